"""SPEC 3's payment rules written out by hand, for the service and the TUI tests to check against.

One payment of the whole balance on a new Incomplete order; nothing here is computed by the
code under test.
"""

OFFLINE_METHODS = ("Bacs", "Cheque", "Cash", "CardOverPhone", "FOC", "MOTO")
OPERATOR_STATUSES = ("Pending", "Authorized", "Paid", "Declined")

# payment status saved -> (the order's payment status, the order's status, does the amount count as paid?)
EXPECTED = {
    "Pending": ("Pending", "Incomplete", False),
    "Authorized": ("Authorized", "Approved", False),
    "Paid": ("Paid", "Approved", True),
    "Declined": ("Declined", "Incomplete", False),
}
# FOC records zero; saved as Paid or Authorized it waives the order's cost.
EXPECTED_FOC = {
    "Pending": ("Pending", "Incomplete"),
    "Authorized": ("Paid", "Approved"),
    "Paid": ("Paid", "Approved"),
    "Declined": ("Declined", "Incomplete"),
}
