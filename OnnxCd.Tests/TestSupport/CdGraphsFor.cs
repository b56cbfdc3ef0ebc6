using OnnxCd.Runtime.Autodiff;
using OnnxCd.Runtime.Distillation;
using OnnxCd.Runtime.Graph;

namespace OnnxCd.Tests.TestSupport;

/// <summary>The CD graphs of a model, probed and built as the distiller builds them.</summary>
internal static class CdGraphsFor
{
    public static CdGraphs Model(OnnxModel model, CdOptions options, long[] imageDims, ProviderTarget target = ProviderTarget.Any) =>
        CdGraphBuilder.Build(model, CdGraphBuilder.ModelShapes(model, options, imageDims), options, target);
}
