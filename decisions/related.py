"""
The registers the decision register points to: "Who is a member now: see Members". The members page
(memberships and roles held) composes members with decisions, so it belongs to the site layer above
this one, which adds its links here (PortalConfig.ready): this layer names nothing of it.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class RelatedRegister:
    question: str  # what the reader wants to know ("Who is a member now?"), lazily translated
    link_text: str  # the page's name ("Members")
    url_name: str  # the page, reversed when shown
    fragment: str = ""  # a section of it ("roles")

    @property
    def url(self) -> str:
        return reverse(self.url_name) + (f"#{self.fragment}" if self.fragment else "")


# Filled by the site layer when the apps are ready.
RELATED_REGISTERS: list[RelatedRegister] = []


def add(register: RelatedRegister) -> None:
    """Point the decision register at another register (once, however often the apps are made ready)."""
    if register not in RELATED_REGISTERS:
        RELATED_REGISTERS.append(register)
