namespace Sidecar.Node.Versions;

/// <summary>
/// The swap's state machine, alone (no I/O, not thread-safe: <see cref="VersionSwap"/> moves it under
/// its lock). The legal moves:
/// <code>
/// CatchingUp ──► Staged ──► Dual ──► Promoted
///     │            │  └──► Failed      │
///     └────────────┴─────────┴─────────┴──► Discarded
/// </code>
/// (CatchingUp may also fail.) Anything else is refused: a version is promoted only from dual
/// apply, and nothing leaves Promoted or Discarded.
/// </summary>
internal sealed class SwapState
{
    private volatile SwapPhase _phase = SwapPhase.CatchingUp;
    private volatile bool _reachedDual;

    public SwapPhase Phase => _phase;

    /// <summary>
    /// True once the version was in dual apply, and still after its promotion: a batch whose turn
    /// leased it before the promote must go to it too, or the version now live would miss it.
    /// </summary>
    public bool ReachedDual => _reachedDual;

    public static bool CanMove(SwapPhase from, SwapPhase to) => (from, to) switch
    {
        (SwapPhase.CatchingUp, SwapPhase.Staged or SwapPhase.Failed or SwapPhase.Discarded) => true,
        (SwapPhase.Staged, SwapPhase.Dual or SwapPhase.Failed or SwapPhase.Discarded) => true,
        (SwapPhase.Dual, SwapPhase.Promoted or SwapPhase.Discarded) => true,
        (SwapPhase.Failed, SwapPhase.Discarded) => true,
        _ => false,
    };

    /// <summary>Moves to <paramref name="to"/> if that is legal from here; false (and no change) if not.</summary>
    public bool TryMove(SwapPhase to)
    {
        if (!CanMove(_phase, to))
        {
            return false;
        }

        _reachedDual |= to == SwapPhase.Dual;
        _phase = to;
        return true;
    }

    /// <summary>Moves to <paramref name="to"/>; throws if that is not legal from here.</summary>
    public void Move(SwapPhase to)
    {
        if (!TryMove(to))
        {
            throw new InvalidOperationException($"a version cannot go from {_phase} to {to}");
        }
    }
}
