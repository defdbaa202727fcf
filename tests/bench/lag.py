import asyncio
import time


class LoopLag:
    """Samples how late a 10 ms sleep wakes up: the event loop's responsiveness."""

    def __init__(self, period_s: float = 0.01) -> None:
        self.period_s, self.samples, self._task = period_s, [], None

    async def _run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(self.period_s)
            self.samples.append((time.perf_counter() - start - self.period_s) * 1000)

    def __enter__(self):
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc) -> None:
        self._task.cancel()

    def p99_ms(self) -> float:
        ordered = sorted(self.samples)
        return ordered[int(len(ordered) * 0.99) - 1] if ordered else 0.0
