using System.Text.Json.Nodes;
using OnnxCd.Runtime.Data;
using OnnxCd.Tests.TestSupport;

namespace OnnxCd.Tests.Deploy;

/// <summary>
/// deploy/kubernetes, checked without a cluster: both overlays pass the Kubernetes API's schemas, ask
/// for what their pods need, and the Indexed Job's command lines, run here in parallel with each
/// completion index and then merged, give the outputs of one scan.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string[] s_deterministicOutputs = ["scores.csv", "unlearn.txt", "safe.txt", "group-masks.npy", "masks-u8.npy"];

    [KubernetesFact]
    public void Overlays_PassTheSchemas_AndABrokenOneFails()
    {
        foreach (var overlay in new[] { "cpu", "gpu" })
        {
            var (exitCode, documents, errors) = KubernetesManifests.Validate(KubernetesManifests.Render(overlay));
            Assert.True(exitCode == 0, errors.ToJsonString());
            Assert.Equal(["ConfigMap", "Job", "Job", "PersistentVolumeClaim", "PersistentVolumeClaim"], documents.Select(d => (string)d!["kind"]!).Order());
        }

        var broken = KubernetesManifests.Render("cpu").Replace("completionMode: Indexed", "completionMode: Sideways", StringComparison.Ordinal);
        var (brokenExit, _, brokenErrors) = KubernetesManifests.Validate(broken);

        Assert.Equal(1, brokenExit);
        var error = Assert.Single(brokenErrors);
        Assert.Equal("onnxcd-scan", (string?)error!["name"]);
        Assert.Contains("completionMode", (string)error["message"]!, StringComparison.Ordinal);
    }

    [KubernetesFact]
    public void Overlays_AskForWhatTheirPodsNeed_AndAgreeOnTheShardCount()
    {
        foreach (var overlay in new[] { "cpu", "gpu" })
        {
            var documents = KubernetesManifests.Documents(overlay);
            var settings = documents.Single(d => (string?)d!["kind"] == "ConfigMap")!["data"]!;
            var scan = KubernetesManifests.Find(documents, "Job", "onnxcd-scan")["spec"]!;
            var container = scan["template"]!["spec"]!["containers"]![0]!;
            var limits = container["resources"]!["limits"]!.AsObject();

            Assert.Equal("Indexed", (string?)scan["completionMode"]);
            Assert.Equal(int.Parse((string)settings["ONNXCD_SHARDS"]!, System.Globalization.CultureInfo.InvariantCulture), (int)scan["completions"]!);
            Assert.Equal((int)scan["completions"]!, (int)scan["parallelism"]!);
            Assert.Equal(overlay == "gpu" ? "cuda" : "cpu", (string?)settings["ONNXCD_DEVICE"]);
            Assert.Equal(overlay == "gpu", limits.ContainsKey("nvidia.com/gpu"));
            Assert.NotNull(container["resources"]!["requests"]!["cpu"]);
            Assert.EndsWith($"-{overlay}", (string)container["image"]!, StringComparison.Ordinal);
            var merge = KubernetesManifests.Find(documents, "Job", "onnxcd-merge")["spec"]!["template"]!["spec"]!;
            Assert.Equal("wait-for-shards", (string?)merge["initContainers"]![0]!["name"]);
        }
    }

    [KubernetesFact]
    public void IndexedJob_RunHereInParallel_ThenMerged_EqualsOneScan()
    {
        using var dir = new TempDirectory();
        WriteData(dir.File("data"), count: 160);
        var documents = KubernetesManifests.Documents("cpu");
        var shards = (int)KubernetesManifests.Find(documents, "Job", "onnxcd-scan")["spec"]!["completions"]!;
        var volumes = new Dictionary<string, string> { ["data"] = dir.File("data"), ["results"] = dir.File("results") };
        var scan = new LocalPod(documents, Container("onnxcd-scan", "containers"), volumes, dir.File("tools"));
        var wait = new LocalPod(documents, Container("onnxcd-merge", "initContainers"), volumes, dir.File("tools"));
        var merge = new LocalPod(documents, Container("onnxcd-merge", "containers"), volumes, dir.File("tools"));

        var pods = Enumerable.Range(0, shards).Select(i => scan.Start(("JOB_COMPLETION_INDEX", $"{i}"))).ToList();
        var outputs = pods.Select(p => (Output: p.StandardOutput.ReadToEndAsync(), Error: p.StandardError.ReadToEndAsync())).ToList();
        foreach (var (pod, i) in pods.Select((p, i) => (p, i)))
        {
            pod.WaitForExit();
            Assert.True(pod.ExitCode == 0, $"pod {i}: {outputs[i].Output.Result}{outputs[i].Error.Result}");
            pod.Dispose();
        }

        var (waitExit, waitOutput) = wait.Run();
        Assert.True(waitExit == 0, waitOutput);
        var (mergeExit, mergeOutput) = merge.Run();
        Assert.True(mergeExit == 0, mergeOutput);

        // One scan: the same command line as one shard of one, into a results folder of its own.
        volumes["results"] = dir.File("single");
        var (singleExit, singleOutput) = new LocalPod(documents, Container("onnxcd-scan", "containers"), volumes, dir.File("tools"))
            .Run(("JOB_COMPLETION_INDEX", "0"), ("ONNXCD_SHARDS", "1"));
        Assert.True(singleExit == 0, singleOutput);

        Assert.Equal(161, File.ReadLines(dir.File("results/merged/scores.csv")).Count());
        foreach (var file in s_deterministicOutputs)
        {
            Assert.Equal(File.ReadAllBytes(dir.File($"single/shard-0/{file}")), File.ReadAllBytes(dir.File($"results/merged/{file}")));
        }

        JsonNode Container(string job, string list) => KubernetesManifests.Find(documents, "Job", job)["spec"]!["template"]!["spec"]![list]![0]!;
    }

    // The manifests' default inputs: the BadNets model and the first images of its scan set.
    private static void WriteData(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        var sets = Path.Combine(RepositoryPaths.OnnxModels, "scansets");
        var images = NpyFile.Read(Path.Combine(sets, "badnets-images.npy"));
        var labels = NpyFile.Read(Path.Combine(sets, "badnets-labels.npy"));
        NpyFile.Write(Path.Combine(folder, "images.npy"), NpyArray.Of(images.Bytes[..(count * 784)], count, 28, 28));
        NpyFile.Write(Path.Combine(folder, "labels.npy"), NpyArray.Of(labels.Longs[..count], count));
        File.Copy(Path.Combine(RepositoryPaths.OnnxModels, "fmnist-badnets.onnx"), Path.Combine(folder, "model.onnx"));
    }
}
