using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace OnnxCd.Runtime.Distillation;

/// <summary>
/// One or more distillers, one per ONNX Runtime session (one per GPU, or several CPU sessions
/// sharing the cores), that work through a stream of items in parallel: each item goes whole to
/// whichever session is free. With one session the items run in order on the calling thread.
/// </summary>
public sealed class DistillerSet : IDisposable
{
    private readonly List<CognitiveDistiller> _distillers = [];

    /// <summary>Creates every distiller; if one cannot be created, those already made are disposed.</summary>
    /// <param name="create">One factory per session.</param>
    public DistillerSet(IEnumerable<Func<CognitiveDistiller>> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        try
        {
            foreach (var make in create)
            {
                _distillers.Add(make());
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        if (_distillers.Count == 0)
        {
            throw new ArgumentException("A distiller set needs at least one session.", nameof(create));
        }
    }

    /// <summary>The first session's distiller (the graphs, options and batch size are the same in all).</summary>
    public CognitiveDistiller First => _distillers[0];

    /// <summary>How many sessions work in parallel.</summary>
    public int Count => _distillers.Count;

    /// <summary>The providers that run, for example <c>CPUExecutionProvider ×2</c> or <c>CUDAExecutionProvider (device 0) + CUDAExecutionProvider (device 1)</c>.</summary>
    public string Provider => string.Join(" + ", _distillers.GroupBy(d => d.Provider).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} ×{g.Count()}"));

    /// <summary>
    /// Runs <paramref name="work"/> on every item, each on one session. When an item fails, no new
    /// item starts, the items already running finish, and the first failure is rethrown; a failure
    /// while producing items lets the queued ones finish before it propagates.
    /// </summary>
    public void Run<T>(IEnumerable<T> items, Action<CognitiveDistiller, T> work)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(work);
        if (_distillers.Count == 1)
        {
            foreach (var item in items)
            {
                work(First, item);
            }

            return;
        }

        using var queue = new BlockingCollection<T>(boundedCapacity: _distillers.Count);
        using var failed = new CancellationTokenSource();
        void Work(CognitiveDistiller distiller)
        {
            try
            {
                foreach (var item in queue.GetConsumingEnumerable(failed.Token))
                {
                    work(distiller, item);
                }
            }
            catch (OperationCanceledException) when (failed.IsCancellationRequested)
            {
                // Another session failed; its exception is the one rethrown.
            }
            catch
            {
                failed.Cancel();
                throw;
            }
        }

        var workers = _distillers.Select(d => Task.Factory.StartNew(() => Work(d), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            foreach (var item in items)
            {
                queue.Add(item, failed.Token);
            }
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested)
        {
            // A session failed; its exception is rethrown below.
        }
        finally
        {
            queue.CompleteAdding();
            WaitQuietly(workers);
        }

        if (workers.FirstOrDefault(w => w.IsFaulted) is { Exception.InnerException: { } fault })
        {
            ExceptionDispatchInfo.Throw(fault);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var distiller in _distillers)
        {
            distiller.Dispose();
        }

        _distillers.Clear();
    }

    /// <summary>Waits for every task; their failures are read from the tasks afterwards.</summary>
    private static void WaitQuietly(Task[] tasks)
    {
        foreach (var task in tasks)
        {
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
        }
    }
}
