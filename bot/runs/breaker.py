"""The circuit breaker: saving stops when saves keep failing (pure: counts in, a reason out)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Breaker:
    """Opens after ``in_a_row`` failed saves in a row, or once ``minimum`` saves were tried and more
    than ``rate`` of them failed. 0 switches a test off."""

    in_a_row: int = 5
    rate: float = 0.5
    minimum: int = 10
    attempts: int = 0
    failures: int = 0
    failing: int = 0  # failures since the last save that worked

    def record(self, failed: bool) -> str | None:
        """Count one save; the reason to stop saving, once the breaker opens."""
        self.attempts += 1
        self.failures += failed
        self.failing = self.failing + 1 if failed else 0
        if self.in_a_row and self.failing >= self.in_a_row:
            return f"circuit breaker: {self.failing} saves failed in a row"
        share = self.failures / self.attempts
        if self.attempts >= self.minimum and share > self.rate:
            return f"circuit breaker: {self.failures} of {self.attempts} saves failed ({share:.0%})"
        return None
