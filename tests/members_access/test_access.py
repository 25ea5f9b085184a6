"""Access for delegates without Django admin: give, invite, accept, invite again, remove, and the history."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import InvitationLink
from core.roles import BOARD_MEMBERS_GROUP
from meetings.models import Meeting
from members.models import Delegation, Person
from tests.factories import DelegationFactory, MeetingFactory, OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sarajevo-June-2022-board"
LINK = re.compile(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)")


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Ministry of Security of Bosnia and Herzegovina", acronym="MSBiH")


@pytest.fixture
def secretariat_client(client_for, secretariat):
    secretariat.first_name, secretariat.last_name = "Sara", "Secretary"
    secretariat.save()
    return client_for("secretariat")


@pytest.fixture
def members_only_url():
    """A circulated meeting record: Board members read it, anyone else gets a 404."""
    meeting = MeetingFactory(status=Meeting.Status.CIRCULATED, published_at=None)
    return reverse("portal:meeting-detail", args=[meeting.slug])


def access_url(organisation):
    return reverse("members-edit:organisation-access", args=[organisation.slug])


def give(client, organisation, committed, **data):
    data = {"valid_from": timezone.localdate().isoformat(), **data}
    with committed(execute=True):
        return client.post(reverse("members-edit:access-give", args=[organisation.slug]), data, follow=True)


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def in_board_members(user) -> bool:
    return user.groups.filter(name=BOARD_MEMBERS_GROUP).exists()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


# Giving access


def test_give_access_to_a_new_person_makes_the_account_and_mails_one_link(secretariat_client, organisation, committed):
    response = give(
        secretariat_client,
        organisation,
        committed,
        name="Ana Delegate",
        honorific="Ms",
        position_title="Head of Unit",
        email="Ana.Delegate@example.org",
        note="Nominated by letter",
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == access_url(organisation)
    page = response.content.decode()
    assert "Access given to Ms Ana Delegate for Ministry of Security of Bosnia and Herzegovina" in page
    assert "Invitation sent to Ana.Delegate@example.org" in page

    person = Person.objects.get(name="Ana Delegate")
    user = person.user
    assert person.organisation == organisation
    assert person.position_title == "Head of Unit"
    assert user.username == "ana.delegate@example.org"
    assert user.email == "Ana.Delegate@example.org"
    assert not user.has_usable_password()
    assert in_board_members(user)
    delegation = Delegation.objects.get(person=person)
    assert (delegation.organisation, delegation.valid_from, delegation.valid_until) == (
        organisation,
        timezone.localdate(),
        None,
    )
    assert InvitationLink.objects.filter(user=user).usable().count() == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Ana.Delegate@example.org"]
    assert "Ministry of Security of Bosnia and Herzegovina" in message.subject
    assert "Sara Secretary" in message.body
    assert "answer written procedures" in message.body
    assert link_in(message).startswith("/accounts/invitation/")
    # The access page lists them, invitation pending, never signed in.
    assert "Ms Ana Delegate" in page
    assert "pending, until" in page
    assert "never" in page


def test_give_access_to_an_existing_person_reuses_their_account(secretariat_client, organisation, committed):
    user = UserFactory(username="goran", email="goran@example.org")
    person = PersonFactory(organisation=organisation, user=user, name="Goran Existing")
    response = give(secretariat_client, organisation, committed, person=person.pk)
    assert "has a password already and signs in as before" in response.content.decode()
    assert get_user_model().objects.filter(email__iexact="goran@example.org").count() == 1
    assert in_board_members(user)
    assert Delegation.objects.filter(person=person, organisation=organisation).count() == 1
    assert mail.outbox == []


def test_without_an_address_the_link_is_shown_once_to_the_secretariat(secretariat_client, organisation, committed):
    response = give(secretariat_client, organisation, committed, name="Nadia Noaddress")
    page = response.content.decode()
    assert "No e-mail could be sent: there is no address for Nadia Noaddress" in page
    shown = re.search(r'value="https?://[^/"]+(/accounts/invitation/[^/"]+/)"', page).group(1)
    assert mail.outbox == []
    # Once: the page does not show it again.
    again = secretariat_client.get(access_url(organisation)).content.decode()
    assert shown not in again
    # And the link works.
    secretariat_client.logout()
    assert secretariat_client.get(shown).status_code == 200


def test_form_errors_come_back_with_the_input(secretariat_client, organisation, committed):
    url = reverse("members-edit:access-give", args=[organisation.slug])
    response = secretariat_client.post(
        url, {"email": "not-an-address", "position_title": "Adviser", "valid_from": timezone.localdate().isoformat()}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert "Choose a person of the organisation, or type the new person&#x27;s name." in page
    assert "Enter a valid email address." in page
    assert 'value="not-an-address"' in page
    assert 'value="Adviser"' in page
    assert not Delegation.objects.exists()
    # A service refusal too: a start in the future, beside its field.
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = secretariat_client.post(url, {"name": "Future Person", "valid_from": tomorrow})
    page = response.content.decode()
    assert "Access starts today at the latest" in page
    assert 'value="Future Person"' in page
    assert not Person.objects.filter(name="Future Person").exists()


def test_a_secretariat_account_is_not_given_access_here(secretariat_client, secretariat, organisation, committed):
    response = give(secretariat_client, organisation, committed, name="Sara Again", email=secretariat.email)
    assert "This is a Secretariat or admin account" in response.content.decode()
    assert not Delegation.objects.exists()
    assert mail.outbox == []


def test_someone_with_access_already_is_refused(secretariat_client, organisation, committed):
    person = PersonFactory(organisation=organisation, name="Already Here")
    DelegationFactory(person=person, organisation=organisation)
    response = give(secretariat_client, organisation, committed, person=person.pk, email="here@example.org")
    assert "Already Here already has access" in response.content.decode()
    assert Delegation.objects.filter(person=person).count() == 1


# The invitation page


@pytest.fixture
def invited(secretariat_client, organisation, committed):
    give(secretariat_client, organisation, committed, name="Ivo Invited", email="ivo@example.org")
    secretariat_client.logout()
    return {"path": link_in(mail.outbox[-1]), "user": Person.objects.get(name="Ivo Invited").user}


def set_password(client, path):
    return client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_following_the_link_and_setting_a_password_signs_in(client, invited, members_only_url):
    assert client.get(members_only_url).status_code == 404
    page = client.get(invited["path"])
    assert page.status_code == 200
    assert "This invitation is for <strong>Ivo Invited</strong>" in page.content.decode()
    response = set_password(client, invited["path"])
    assert response.status_code == 302
    assert response.url == reverse("home")
    user = get_user_model().objects.get(pk=invited["user"].pk)
    assert user.check_password(NEW_PASSWORD)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get(members_only_url).status_code == 200
    assert InvitationLink.objects.get(user=user).used_at is not None


def test_the_password_validators_apply(client, invited):
    response = client.post(invited["path"], {"new_password1": "123", "new_password2": "124"})
    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()
    response = client.post(invited["path"], {"new_password1": "password", "new_password2": "password"})
    assert "This password is too common." in response.content.decode()
    assert not get_user_model().objects.get(pk=invited["user"].pk).has_usable_password()


def test_a_used_link_is_refused(client, invited):
    set_password(client, invited["path"])
    client.logout()
    for response in (client.get(invited["path"]), set_password(client, invited["path"])):
        assert response.status_code == 410
        assert "already been used" in response.content.decode()
        assert "Ivo" not in response.content.decode()


def test_an_expired_link_is_refused_and_names_nobody(client, invited):
    link = InvitationLink.objects.get(user=invited["user"])
    link.expires_at = timezone.now() - dt.timedelta(minutes=1)
    link.save()
    response = client.get(invited["path"])
    assert response.status_code == 410
    page = response.content.decode()
    assert "This invitation link has expired. Ask the IISG Secretariat for a new one." in page
    assert "Ivo" not in page
    assert "ivo@example.org" not in page
    assert set_password(client, invited["path"]).status_code == 410
    assert not get_user_model().objects.get(pk=invited["user"].pk).has_usable_password()


@pytest.mark.parametrize("token", ["x" * 43, "abc", "%00"])
def test_an_unknown_link_is_a_404_that_reveals_nothing(client, invited, token):
    response = client.get(f"/accounts/invitation/{token}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Ivo" not in page
    assert "ivo@example.org" not in page
    assert 'name="new_password1"' not in page


def test_an_unknown_link_says_what_to_do(client, db):
    response = client.get(reverse("invitation", args=["x" * 43]))
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()
    assert "ask the IISG Secretariat for a new one" in response.content.decode()


def test_a_signed_in_user_is_asked_to_sign_out_first(client_for, invited):
    response = client_for("board_member").get(invited["path"])
    assert response.status_code == 409
    assert "Ivo" not in response.content.decode()


# Inviting again


def test_inviting_again_voids_the_old_link(secretariat_client, invited, organisation, committed):
    client = Client()
    person = Person.objects.get(name="Ivo Invited")
    secretariat_client.force_login(get_user_model().objects.get(username="secretariat"))
    url = reverse("members-edit:access-invite-again", args=[organisation.slug, person.pk])
    assert secretariat_client.get(url).status_code == 200
    with committed(execute=True):
        response = secretariat_client.post(url, {"confirm": "1"}, follow=True)
    assert "Invitation sent to ivo@example.org" in response.content.decode()
    assert len(mail.outbox) == 2
    new_path = link_in(mail.outbox[-1])
    assert new_path != invited["path"]
    assert client.get(invited["path"]).status_code == 410
    assert "replaced by a newer one" in client.get(invited["path"]).content.decode()
    assert set_password(client, new_path).status_code == 302
    assert InvitationLink.objects.filter(user=person.user).count() == 2
    history = secretariat_client.get(access_url(organisation)).content.decode()
    assert "Invitation sent again: a new link, the old one no longer works." in history


def test_no_invitation_again_once_the_password_is_set(secretariat_client, organisation, committed):
    user = UserFactory(username="vesna")
    person = PersonFactory(organisation=organisation, user=user)
    DelegationFactory(person=person, organisation=organisation)
    url = reverse("members-edit:access-invite-again", args=[organisation.slug, person.pk])
    with committed(execute=True):
        response = secretariat_client.post(url, {"confirm": "1"}, follow=True)
    assert "has set a password already" in response.content.decode()
    assert mail.outbox == []


# Removing access


def test_removal_takes_effect_at_the_next_request_of_a_signed_in_session(
    client, client_for, invited, organisation, members_only_url
):
    set_password(client, invited["path"])
    assert client.get(members_only_url).status_code == 200
    person = Person.objects.get(name="Ivo Invited")
    office = Client()
    office.force_login(get_user_model().objects.get(username="secretariat"))
    url = reverse("members-edit:access-remove", args=[organisation.slug, person.pk])
    response = office.post(url, {"reason": "Left the ministry"}, follow=True)
    assert "Access of Ivo Invited for Ministry of Security of Bosnia and Herzegovina ended today." in (
        response.content.decode()
    )
    # The delegate's session, signed in before: its next request no longer reads members-only pages.
    assert client.get(members_only_url).status_code == 404
    user = get_user_model().objects.get(pk=invited["user"].pk)
    assert user.is_active
    assert not in_board_members(user)
    delegation = Delegation.objects.get(person=person)
    assert delegation.valid_until == timezone.localdate()


def test_removal_keeps_the_group_while_another_delegation_is_in_force(secretariat_client, organisation):
    user = UserFactory(username="dual")
    user.groups.add(Group.objects.get(name=BOARD_MEMBERS_GROUP))
    person = PersonFactory(organisation=organisation, user=user, name="Dual Delegate")
    DelegationFactory(person=person, organisation=organisation)
    DelegationFactory(person=person, organisation=OrganisationFactory())
    url = reverse("members-edit:access-remove", args=[organisation.slug, person.pk])
    response = secretariat_client.post(url, {"reason": "Moved to the other ministry"}, follow=True)
    assert "another delegation of theirs is still in force" in response.content.decode()
    assert in_board_members(user)


def test_removal_needs_a_reason_and_voids_an_unused_link(secretariat_client, invited, organisation):
    person = Person.objects.get(name="Ivo Invited")
    secretariat_client.force_login(get_user_model().objects.get(username="secretariat"))
    url = reverse("members-edit:access-remove", args=[organisation.slug, person.pk])
    response = secretariat_client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Delegation.objects.get(person=person).valid_until is None
    secretariat_client.post(url, {"reason": "Nominated by mistake"})
    secretariat_client.logout()
    assert secretariat_client.get(invited["path"]).status_code == 410


def test_history_lists_grant_and_removal_with_who_and_reason(secretariat_client, organisation, committed):
    give(
        secretariat_client,
        organisation,
        committed,
        name="Hana History",
        email="hana@example.org",
        note="Letter of 3 March",
    )
    person = Person.objects.get(name="Hana History")
    url = reverse("members-edit:access-remove", args=[organisation.slug, person.pk])
    secretariat_client.post(url, {"reason": "Retired"})
    page = secretariat_client.get(access_url(organisation)).content.decode()
    history = page[page.index('id="history-heading"') :]
    assert "Sara Secretary</strong>: Access given to Hana History from" in history
    assert "Reason: Letter of 3 March" in history
    assert "Sara Secretary</strong>: Access of Hana History ended on" in history
    assert "Reason: Retired" in history
    # Newest first.
    assert history.index("Retired") < history.index("Letter of 3 March")
    # And the access that ended is listed apart, not as current.
    assert "Nobody has access for" in page


def test_the_access_page_says_when_nobody_has_access(secretariat_client, organisation):
    page = secretariat_client.get(access_url(organisation)).content.decode()
    assert "Nobody has access for Ministry of Security of Bosnia and Herzegovina yet." in page
    assert "No access given or removed yet." in page


def test_the_organisation_page_links_to_its_access_page(secretariat_client, organisation):
    DelegationFactory(organisation=organisation)  # so that the organisation has a page worth opening
    page = secretariat_client.get(reverse("portal:organisation-detail", args=[organisation.slug])).content.decode()
    assert access_url(organisation) in page


@pytest.mark.parametrize("rows", [1, 20])
def test_the_access_page_reads_a_fixed_number_of_queries(
    secretariat_client, organisation, django_assert_num_queries, rows
):
    for n in range(rows):
        user = UserFactory(username=f"delegate{n}", last_login=timezone.now() if n % 2 else None)
        if n % 3 == 0:
            user.set_unusable_password()
            user.save()
        DelegationFactory(person=PersonFactory(organisation=organisation, user=user), organisation=organisation)
    secretariat_client.get(access_url(organisation))  # the session and permissions warmed up
    with django_assert_num_queries(QUERIES):
        response = secretariat_client.get(access_url(organisation))
    assert response.content.decode().count("btn-outline-danger mb-1") == rows


# Measured, the same for 1 row and 20: the session (read; not renewed again within a minute), the
# user, their two kinds of second-factor device, their groups, the organisation, their permissions (own and
# groups'), then the page's own five: delegations with people and accounts, their open invitation links, the
# access that ended, the organisation's own people with a Board member's account, the history.
QUERIES = 13


def test_a_link_no_longer_sets_a_password_once_one_was_set_another_way(client, invited):
    user = invited["user"]
    user.set_password("set-by-the-admin-Fj39x")
    user.save()
    for response in (client.get(invited["path"]), set_password(client, invited["path"])):
        assert response.status_code == 410
        assert "can no longer be used" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("set-by-the-admin-Fj39x")


def test_a_link_no_longer_works_for_an_account_made_secretariat_since(client, invited):
    from django.contrib.auth.models import Group

    from core.roles import SECRETARIAT_GROUP

    invited["user"].groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    assert set_password(client, invited["path"]).status_code == 410
    assert not get_user_model().objects.get(pk=invited["user"].pk).has_usable_password()


def test_no_invitation_is_issued_for_a_secretariat_account(secretariat):
    from django.core.exceptions import ValidationError

    from core.invitations import issue_invitation_link

    with pytest.raises(ValidationError):
        issue_invitation_link(user=secretariat)
    assert not InvitationLink.objects.filter(user=secretariat).exists()


def test_the_organisation_s_own_people_with_a_board_account_are_listed_too(secretariat_client, organisation):
    from django.contrib.auth.models import Group

    from core.roles import BOARD_MEMBERS_GROUP

    user = UserFactory(username="own-person", email="own@example.org")
    user.groups.add(Group.objects.get(name=BOARD_MEMBERS_GROUP))
    PersonFactory(name="Olga Own", organisation=organisation, user=user)
    PersonFactory(name="Without Account", organisation=organisation)
    page = secretariat_client.get(access_url(organisation)).content.decode()
    section = page.split('id="own-people-heading"')[1].split("</section>")[0]
    assert "Olga Own" in section
    assert "own@example.org" in section
    assert "Without Account" not in page
