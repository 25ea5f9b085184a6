"""
The 6th IISG Board meeting (Sarajevo, 20 June 2022), as structured records.

Transcribed from the public events page of the meeting. Every fact on that page has a field
here; nothing is read from outside the project at run time. Where the page is silent
(times of day, the start of earlier memberships, the new term of the Head of Secretariat),
the field is left empty rather than invented.
"""

import datetime as dt

MEETING = {
    "kind": "board",
    "ordinal": 6,
    "title": "6th Integrative Internal Security Governance (IISG) Board Meeting",
    "date": dt.date(2022, 6, 20),
    "time_zone": "Europe/Sarajevo",
    "all_day": True,  # The page gives the day, not the hours.
    "city": "Sarajevo",
    "country": "Bosnia and Herzegovina",
    "venue": "",
    "format": "hybrid",
    "status": "published",
    "public_summary": (
        "The 6th Integrative Internal Security Governance (IISG) Board Meeting was organised in hybrid mode "
        "on 20 June 2022 in Sarajevo.\n\n"
        "The Western Balkans partners participated at the ministerial level (Ministers of Interior/Security) "
        "and through their messages showed commitment to take the regional cooperation to another level "
        "through the IISG platform.\n\n"
        "Mr Maciej Popowski, Acting Director-General for Neighbourhood and Enlargement Negotiations (DG NEAR), "
        "European Commission, opened and chaired the meeting, emphasising that the European Commission fully "
        "supports the action of the IISG and considers the IISG a unique mechanism in the region in the "
        "security area. Opening remarks followed by Mr Olivier Onidi, Deputy Director-General for Security, "
        "Directorate-General for Migration and Home Affairs (DG HOME), European Commission, and Ms Tanja "
        "Miscevic, Deputy Secretary General, Regional Cooperation Council.\n\n"
        "The Support Group members Austria, Slovenia and Italy supported the meeting; they are vital to the "
        "success of the IISG process, and more partners are needed to join actively.\n\n"
        "The IISG Secretariat presented the state of play of the IISG and its products, including the needs "
        "mapping 2021–2022, completed for the first time for all three pillars (WBCTi, WBCSCi and WBBSi)."
    ),
}

PILLARS = [
    {"code": "WBCTi", "name": "Western Balkans Counter-Terrorism initiative"},
    {"code": "WBCSCi", "name": "Western Balkans Counter Serious Crime initiative"},
    {"code": "WBBSi", "name": "Western Balkans Border Security initiative"},
]

# name: (acronym, kind, country, parent name, designation footnote)
ORGANISATIONS = {
    "Albania": ("", "wb_partner", "Albania", None, False),
    "Bosnia and Herzegovina": ("BiH", "wb_partner", "Bosnia and Herzegovina", None, False),
    "Kosovo": ("", "wb_partner", "Kosovo", None, True),
    "Montenegro": ("", "wb_partner", "Montenegro", None, False),
    "North Macedonia": ("", "wb_partner", "North Macedonia", None, False),
    "Serbia": ("", "wb_partner", "Serbia", None, False),
    "European Commission": ("EC", "eu_institution", "", None, False),
    "Directorate-General for Neighbourhood and Enlargement Negotiations": (
        "DG NEAR",
        "eu_institution",
        "",
        "European Commission",
        False,
    ),
    "Directorate-General for Migration and Home Affairs": (
        "DG HOME",
        "eu_institution",
        "",
        "European Commission",
        False,
    ),
    "Regional Cooperation Council": ("RCC", "regional", "", None, False),
    "Austria": ("", "eu_member_state", "Austria", None, False),
    "Slovenia": ("", "eu_member_state", "Slovenia", None, False),
    "Italy": ("", "eu_member_state", "Italy", None, False),
    "Bulgaria": ("", "eu_member_state", "Bulgaria", None, False),
    "Regional Anti-Corruption Initiative": ("RAI", "regional", "", None, False),
    "OSCE Mission in Kosovo": ("OSCE Kosovo", "international", "Kosovo", None, True),
    "IISG Secretariat": ("IISG Secretariat", "other", "", None, False),
}

WB_PARTNERS = ["Albania", "Bosnia and Herzegovina", "Kosovo", "Montenegro", "North Macedonia", "Serbia"]
SUPPORTERS = ["Austria", "Slovenia", "Italy"]
NEW_MEMBERS = ["Regional Anti-Corruption Initiative", "Bulgaria", "OSCE Mission in Kosovo"]

# Memberships the page states as existing on 20 June 2022; their start dates are not on it.
EXISTING_MEMBERSHIPS = [(name, "board") for name in [*WB_PARTNERS, "European Commission"]] + [
    (name, "support_group") for name in SUPPORTERS
]

# name: (honorific, position at the time, organisation)
PEOPLE = {
    "Maciej Popowski": (
        "Mr",
        "Acting Director-General",
        "Directorate-General for Neighbourhood and Enlargement Negotiations",
    ),
    "Olivier Onidi": (
        "Mr",
        "Deputy Director-General for Security",
        "Directorate-General for Migration and Home Affairs",
    ),
    "Tanja Miscevic": ("Ms", "Deputy Secretary General", "Regional Cooperation Council"),
    "Agron Sojati": ("Mr", "Head of IISG Secretariat", "IISG Secretariat"),
}

# (person or None, organisation, role, level)
PARTICIPATIONS = [
    (
        "Maciej Popowski",
        "Directorate-General for Neighbourhood and Enlargement Negotiations",
        "chair",
        "senior_official",
    ),
    ("Olivier Onidi", "Directorate-General for Migration and Home Affairs", "opening_remarks", "senior_official"),
    ("Tanja Miscevic", "Regional Cooperation Council", "opening_remarks", "senior_official"),
    *[(None, name, "delegate", "ministerial") for name in WB_PARTNERS],
    *[(None, name, "support_group", "") for name in SUPPORTERS],
    (None, "IISG Secretariat", "secretariat", ""),
]

# position: (title, kind, presenters, presenting organisations, notes)
AGENDA = [
    (
        1,
        "Opening of the meeting and opening remarks",
        "opening",
        ["Maciej Popowski", "Olivier Onidi", "Tanja Miscevic"],
        [],
        "The chair, Mr Maciej Popowski (DG NEAR), opened the meeting: the European Commission fully supports "
        "the action of the IISG and considers it a unique mechanism in the region in the security area. "
        "Opening remarks by Mr Olivier Onidi (DG HOME) and Ms Tanja Miscevic (RCC).",
    ),
    (
        2,
        "State of play of the IISG: presentation of the IISG products",
        "presentation",
        [],
        ["IISG Secretariat"],
        "The IISG Secretariat presented the state of play and the IISG products, including the needs mapping "
        "2021–2022, completed for the first time for all three pillars (WBCTi, WBCSCi and WBBSi).",
    ),
    (
        3,
        "IISG outputs, new members and the mandate of the Head of IISG Secretariat",
        "decision",
        [],
        [],
        "The Board endorsed and adopted the presentation of IISG outputs and approved the outputs, the new "
        "members and the extension of the mandate of the Head of IISG Secretariat.",
    ),
    (
        4,
        "Future engagement of the IISG platform",
        "discussion",
        [],
        [],
        "The future engagement of the IISG platform requires more and direct coordination with donors and "
        "implementers for the pillar-related projects.",
    ),
]

# title: (kind slug, pillar codes, period start, period end); the kinds are seeded by decisions' migrations.
DOCUMENTS = {
    "Presentation of IISG outputs": ("report", [], 2022, 2022),
    "IISG needs mapping 2021–2022 for the three pillars WBCTi, WBCSCi and WBBSi": (
        "needs-mapping",
        ["WBCTi", "WBCSCi", "WBBSi"],
        2021,
        2022,
    ),
    "Updated methodology for the development of the IISG biennial needs mapping report": (
        "methodology",
        [],
        None,
        None,
    ),
    "Methodology for the development of the IISG annual response mapping report": ("methodology", [], None, None),
    "Methodology for mapping support to the IISG needs (IISG Database)": ("methodology", [], None, None),
    "IISG Secretariat annual work plan 2022": ("work-plan", [], 2022, 2022),
}

# The role held that decision 8 extended: the post is one seeded by members' migrations; the term
# was not stated.
ROLE = {
    "person": "Agron Sojati",
    "post": "Head of the IISG Secretariat",
    "represented": "IISG Secretariat",
    "kind": "extension",
    "note": "Extension of the mandate confirmed by the IISG Board on 20 June 2022.",
}

# sequence: (agenda position, verb, subject, verbatim wording, documents, new members, role held?)
DECISIONS = [
    (
        1,
        3,
        "endorsed_adopted",
        "Presentation of IISG outputs",
        "The presentation of IISG outputs was endorsed and adopted by the IISG Board.",
        ["Presentation of IISG outputs"],
        [],
        False,
    ),
    *[
        (
            sequence,
            3,
            "approved",
            title,
            f"{title} was approved by the IISG Board.",
            [title],
            [],
            False,
        )
        for sequence, title in enumerate(
            [
                "IISG needs mapping 2021–2022 for the three pillars WBCTi, WBCSCi and WBBSi",
                "Updated methodology for the development of the IISG biennial needs mapping report",
                "Methodology for the development of the IISG annual response mapping report",
                "Methodology for mapping support to the IISG needs (IISG Database)",
                "IISG Secretariat annual work plan 2022",
            ],
            start=2,
        )
    ],
    (
        7,
        3,
        "approved",
        "IISG new members: RAI, Bulgaria, OSCE Kosovo*",
        "IISG new members, RAI, Bulgaria, OSCE Kosovo* were approved by the IISG Board.",
        [],
        NEW_MEMBERS,
        False,
    ),
    (
        8,
        3,
        "approved",
        "Extension of the mandate of the Head of IISG Secretariat, Mr Agron Sojati",
        "Confirmation for an extension for the mandate of the Head of IISG Secretariat Mr. Agron Sojati "
        "was approved by the IISG Board.",
        [],
        [],
        True,
    ),
    (
        9,
        4,
        "agreed",
        "Coordination with donors and implementers",
        "It was agreed that the future engagement of the IISG platform requires more and direct coordination "
        "with donors and implementers for the pillar-related projects.",
        [],
        [],
        False,
    ),
]

NEW_MEMBER_CATEGORY = "support_group"

ACTION = {
    "decision_sequence": 9,
    "description": (
        "Coordinate more and directly with donors and implementers on the pillar-related projects, "
        "for the future engagement of the IISG platform."
    ),
    "status": "open",
}
