"""What people see: diffs and the summary table, JSON records, the output streams, the HTML report
and the terminal review screens."""
