namespace OnnxCd.Tests.TestSupport;

/// <summary>
/// Tests that measure the managed heap (<see cref="GC.GetTotalMemory"/> counts every thread's
/// objects): xunit runs this collection alone, after the parallel ones, so other tests' allocations
/// do not land in the measurement.
/// </summary>
[CollectionDefinition(nameof(MemoryMeasurements), DisableParallelization = true)]
public sealed class MemoryMeasurements;
