"""The review queue: proposals recorded by scans, decisions by editors, and what apply saved.

store      the SQLite file: location, safe opening, migrations, transactions
schema     the migrations
proposals  recording scans, decisions and their audit trail, listing, lifecycle
"""
