"""Runs against a wiki: the scan loop (propose, save), ``apply``, the scheduled run, and what bounds
them (the lock, the circuit breaker, the run's limits, its report). Uses the wiki adapter, the queue
and the presentation; imports no pywikibot."""
