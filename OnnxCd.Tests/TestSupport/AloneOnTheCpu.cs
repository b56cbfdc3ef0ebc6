namespace OnnxCd.Tests.TestSupport;

/// <summary>
/// Tests that keep both cores busy with ONNX Runtime forward passes for a minute or more (the detector parity on
/// every shipped scan set: STRIP alone runs 200,000 images a set): xunit runs this collection alone, after the
/// parallel ones, so that its sessions' threads and the other tests' do not contend for the cores.
/// </summary>
[CollectionDefinition(nameof(AloneOnTheCpu), DisableParallelization = true)]
public sealed class AloneOnTheCpu;
