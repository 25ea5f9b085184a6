"""
What each role may do, in one table: group name → app label → permission codenames. The site layer
holds it, since it names the permissions of every app. After every `migrate` (and `flush`) the groups
are made to hold exactly this (core.roles.sync_group_permissions, connected in portal.apps): a
permission taken out of the table is taken from the group, one granted by hand and not listed here too.
The data migrations that once granted these (decisions 0002, 0006, 0009; meetings 0005) do nothing now.

The Secretariat records, changes, circulates and publishes; it deletes only the parts of a record edited
as lists (participants, agenda items, progress notes): meetings, decisions, memberships and roles held
are corrected or ended, never deleted. Posts and document kinds are managed in the admin (read here).
Board members only read.
"""

from core.roles import BOARD_MEMBERS_GROUP, SECRETARIAT_GROUP

ROLE_PERMISSIONS: dict[str, dict[str, list[str]]] = {
    SECRETARIAT_GROUP: {
        "members": [
            "view_organisation",
            "add_organisation",
            "change_organisation",
            "view_person",
            "add_person",
            "change_person",
            "view_pillar",
            "add_pillar",
            "change_pillar",
            "view_membership",
            "add_membership",
            "change_membership",
            "view_roleheld",
            "add_roleheld",
            "change_roleheld",
            "view_post",
            "view_delegation",
            # Give and remove access for an organisation's delegates (members/access/): delegations end, never deleted.
            "add_delegation",
            "change_delegation",
        ],
        "meetings": [
            "view_meeting",
            "add_meeting",
            "change_meeting",
            "publish_meeting",
            "view_participation",
            "add_participation",
            "change_participation",
            "delete_participation",
            "view_agendaitem",
            "add_agendaitem",
            "change_agendaitem",
            "delete_agendaitem",
            "view_reschedule",
            "add_reschedule",
            "change_reschedule",
            "view_correction",
            "add_correction",
            "change_correction",
            "view_occasion",
            "add_occasion",
            "change_occasion",
        ],
        "decisions": [
            "view_document",
            "add_document",
            "change_document",
            "view_documentfile",
            "add_documentfile",
            "change_documentfile",
            "view_documentkind",
            "view_decision",
            "add_decision",
            "change_decision",
            "view_actionitem",
            "add_actionitem",
            "change_actionitem",
            "view_progressnote",
            "add_progressnote",
            "change_progressnote",
            "delete_progressnote",
            "view_writtenprocedure",
            "add_writtenprocedure",
            "change_writtenprocedure",
            "view_procedureanswer",
            "add_procedureanswer",
            "change_procedureanswer",
        ],
    },
    BOARD_MEMBERS_GROUP: {
        "members": [
            "view_organisation",
            "view_person",
            "view_pillar",
            "view_membership",
            "view_roleheld",
            "view_post",
        ],
        "meetings": [
            "view_meeting",
            "view_participation",
            "view_agendaitem",
            "view_reschedule",
            "view_correction",
            "view_occasion",
        ],
        "decisions": [
            "view_document",
            "view_documentfile",
            "view_documentkind",
            "view_decision",
            "view_actionitem",
            "view_progressnote",
            "view_writtenprocedure",
        ],
    },
}
