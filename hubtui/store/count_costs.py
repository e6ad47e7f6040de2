"""The cost model of the quick-filter counts (quick_counts.py and its ways): what each read
costs, and the limits and weights that choose between the ways. Tests set these to force each
way; the ways read them from here at each call.
"""

from __future__ import annotations

import math

# Candidates up to which the direct way is taken without looking at the complement.
FEW = 5_000
# Share of the orders in scope (organisation or microsite, period) above which reading the
# candidates one by one (2.5 µs each) costs more than walking the filtered orders (the placed
# index alone since schema 0016: about 0.5 µs an order).
WALK_SHARE = 0.2
WALK_ROW_COST = 0.5
# Candidates of a few days' orders below which they are read by id without weighing a walk.
SURELY_BY_ID = 500
# What a row of the complement costs against a row read directly: about the same (both are
# look-ups by id; the complement's indexed counts cost a few ms at most).
COMPLEMENT_WEIGHT = 1.0
# The chars way (tests turn it off to reach the others for a one-character text).
CHARS = True
# The numbers way (tests turn it off to reach the others for a text that starts order numbers).
NUMBERS = True
# The tally way, and the weights its choices multiply their costs by (tests force each way).
TALLY = True
TALLY_WEIGHTS = {"holding": 1.0, "lacking": 1.0, "gaps": 1.0, "scan": 1.0}
# Share of the organisation's orders above which a period is counted as all time less the
# rest (the tally way); below, the orders in it are read.
OUTSIDE_SHARE = 0.5
# Costs in µs at 1,000,000 orders (2 cores, SQLite 3.40): a tally row read and grouped, an
# order row read by id and grouped, a term index entry tested for its number.
TALLY_ROW_COST = 1.5
ROW_COST = 2.5
ENTRY_COST = 0.6
# A tally row read in a pass over the organisation's (or a month's) rows, the text tested on it,
# and the rows up to which such a pass is tried (90 ms; a walk of 1,000,000 orders costs 800).
SCAN_ROW_COST = 0.45
SCAN_ROWS = 200_000
# Tally rows lacking a text up to which the complement's driver through their values is looked
# for before the months way is weighed (3 ms of reading).
FIRST_DRIVER_ROWS = 2_000
DRIVER_ROW_COST = 3.7  # µs a tally row lacking the text costs to turn into the complement's driver
# The months way (tests turn it off to reach the others), and the month tally rows beyond which
# it is not tried: their cost alone would pass what reading FEW orders costs.
MONTHS = True
MONTH_ROWS = math.ceil(FEW * ROW_COST / TALLY_ROW_COST)
MONTHS_WEIGHT = 1.0  # what the months way's cost is multiplied by against the direct way's
MONTH_SCAN_WEIGHT = 1.0  # what a pass over the months' rows costs against reading those holding the text

# What the share of the orders a text's number ranges hold is multiplied by against the period's
# share, above which its candidates are not read (order_queries.numbers_outweigh_period).
NUMBERS_WEIGHT = 1.0
