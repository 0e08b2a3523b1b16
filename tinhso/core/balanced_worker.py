"""The gunicorn worker `tinhso serve` uses on Linux: gunicorn's threaded worker (gthread), balanced.

With keep-alive, a connection stays with the worker process that accepted it. Every idle worker is woken for a new
connection and the first to run takes it, so a run of sign-ins can leave one process holding most connections
(measured: 4, 46 and 50 of 100 clients on three processes) — its clients then queue while another process idles.
Here a worker holding more connections waits a little before accepting, so that a less busy one takes the
connection first."""

import time

from gunicorn.workers.gthread import ThreadWorker

SECONDS_PER_HELD_CONNECTION = 0.0001
LONGEST_WAIT = 0.005


class BalancedThreadWorker(ThreadWorker):
    def accept(self, listener) -> None:
        if self.cfg.workers > 1 and self.nr_conns:
            time.sleep(min(self.nr_conns * SECONDS_PER_HELD_CONNECTION, LONGEST_WAIT))
        super().accept(listener)
