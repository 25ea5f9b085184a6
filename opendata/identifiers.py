"""
Stable identifiers of the open data: `iisg:<type>/<key>`, built from the row's primary key, which no
rename, correction or new slug changes (a slug follows a name; a reference can be corrected). The key is
also the last segment of the object's API address (`/api/v1/organizations/12/` is `iisg:organization/12`).
A role held is published as a Popolo membership of a post: its key is `role-<pk>`, beside an
organisation's membership of the IISG (`<pk>`), in the one memberships list.
"""

PREFIX = "iisg"

# The IISG itself: the organisation every membership is a membership of, and every post a post of.
IISG_ID = f"{PREFIX}:organization/iisg"

ROLE_KEY_PREFIX = "role-"


def stable_id(kind: str, key) -> str:
    return f"{PREFIX}:{kind}/{key}"


def role_key(pk: int) -> str:
    return f"{ROLE_KEY_PREFIX}{pk}"


# The largest key a primary key column holds (bigint): a longer number is no row, a 404 (never a 500).
MAX_KEY = 2**63 - 1


def parse_key(text: str) -> int | None:
    """A primary key from the address (digits only, in the column's range), else None: a 404."""
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    key = int(text)
    return key if 0 < key <= MAX_KEY else None
