using BenchmarkDotNet.Running;

namespace OnnxCd.Benchmarks;

/// <summary>Runs the suites: <c>dotnet run -c Release --project OnnxCd.Benchmarks -- --filter '*'</c> (add <c>--job short</c> for a quick look).</summary>
internal static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
