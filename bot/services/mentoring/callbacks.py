"""Callback strings the outbox carries: handlers' CallbackData must pack the same way (a unit
test compares them)."""


def open_mentee_callback(pair_id: int) -> str:
    """Must match handlers' MenteeOpenCb(prefix="mopen", pair_id: int)."""
    return f"mopen:{pair_id}"


def pair_card_callback(pair_id: int) -> str:
    """Must match handlers' PairCb(prefix="mpair", action: str, pair_id: int, value: int = 0)."""
    return f"mpair:card:{pair_id}:0"


def proposal_callback(proposal_id: int, accept: bool) -> str:
    """Must match handlers' ProposalCb(prefix="mprop", proposal_id: int, accept: bool)."""
    return f"mprop:{proposal_id}:{int(accept)}"


def review_callback(pair_id: int) -> str:
    """Must match handlers' ReviewCb(prefix="mrev", pair_id: int)."""
    return f"mrev:{pair_id}"
