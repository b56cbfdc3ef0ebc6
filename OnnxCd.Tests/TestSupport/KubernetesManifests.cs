using System.Text.Json.Nodes;

namespace OnnxCd.Tests.TestSupport;

/// <summary>
/// deploy/kubernetes rendered by <c>kubectl kustomize</c> and checked against the Kubernetes API's
/// schemas by tools/node/validate_manifests.mjs, which also hands the documents back as JSON.
/// </summary>
internal static class KubernetesManifests
{
    public static string? Kubectl { get; } = ProcessRunner.OnPath("kubectl");

    public static bool ValidatorInstalled => NodeRuntime.Executable is not null
        && Directory.Exists(Path.Combine(RepositoryPaths.Root, "tools", "node", "node_modules", "kubernetes-models"));

    /// <summary>The YAML of deploy/kubernetes/overlays/<paramref name="overlay"/>.</summary>
    public static string Render(string overlay)
    {
        var (exitCode, output) = ProcessRunner.Run(Kubectl!, ["kustomize", Path.Combine(RepositoryPaths.Root, "deploy", "kubernetes", "overlays", overlay)]);
        Assert.True(exitCode == 0, $"kubectl kustomize {overlay} failed: {output}");
        return output;
    }

    /// <summary>Validates <paramref name="yaml"/>: the validator's exit code, its documents and its errors.</summary>
    public static (int ExitCode, JsonArray Documents, JsonArray Errors) Validate(string yaml)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("manifests.yaml"), yaml);
        var (exitCode, output) = ProcessRunner.Run(NodeRuntime.Executable!, [Path.Combine(RepositoryPaths.Root, "tools", "node", "validate_manifests.mjs"), dir.File("manifests.yaml")]);
        var json = output[output.IndexOf('{', StringComparison.Ordinal)..];
        var result = JsonNode.Parse(json)!;
        return (exitCode, result["documents"]!.AsArray(), result["errors"]!.AsArray());
    }

    /// <summary>The document of <paramref name="kind"/> named <paramref name="name"/>.</summary>
    public static JsonNode Find(JsonArray documents, string kind, string name) =>
        documents.Single(d => (string?)d!["kind"] == kind && (string?)d["metadata"]!["name"] == name)!;

    /// <summary>The rendered documents of an overlay, after checking that they are valid.</summary>
    public static JsonArray Documents(string overlay)
    {
        var (exitCode, documents, errors) = Validate(Render(overlay));
        Assert.True(exitCode == 0 && errors.Count == 0, $"overlay {overlay} is not valid: {errors.ToJsonString()}");
        return documents;
    }
}

/// <summary>A fact that needs kubectl (for kustomize) and tools/node's kubernetes-models; skipped with the reason when absent.</summary>
internal sealed class KubernetesFactAttribute : FactAttribute
{
    public KubernetesFactAttribute()
    {
        if (KubernetesManifests.Kubectl is null)
        {
            Skip = "kubectl is not installed (apt-get install kubectl), so the manifests cannot be rendered with kustomize.";
        }
        else if (!KubernetesManifests.ValidatorInstalled)
        {
            Skip = "Node.js or tools/node's kubernetes-models is missing: run 'npm ci --ignore-scripts --prefix tools/node', as .ci/run does.";
        }
    }
}
