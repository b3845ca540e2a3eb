"""A coordinator's review of a batch run: reject, un-reject, swap, publish the
chosen rows after a confirmation; the services, then the pages and who may use them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from duos.matching import review
from duos.matching import runs as matching_runs
from duos.models import Duo, MatchingRun, MatchRejection
from tests.factories import (
    DuoFactory,
    MenteeFactory,
    MentorFactory,
    ProgrammeFactory,
    UserFactory,
)


def _people(programme):
    """Amina and Sara want logistics in French in Molenbeek, Tom ICT in Dutch in
    Ghent; Karim and Jef (logistics, French, Brussels) fit both women, Els fits
    Tom, Lina (French, ICT, Liège) fits nobody well."""
    mentee = {"programme": programme, "sectors": ["logistics"], "languages": ["fr"]}
    return {
        "amina": MenteeFactory(first_name="Amina", last_name="Benali", **mentee),
        "sara": MenteeFactory(first_name="Sara", last_name="Lemaire", **mentee),
        "tom": MenteeFactory(
            programme=programme,
            first_name="Tom",
            sectors=["ict"],
            languages=["nl"],
            postcode="9000",
        ),
        "karim": MentorFactory(first_name="Karim", last_name="Haddad", **mentee),
        "jef": MentorFactory(first_name="Jef", last_name="Vermeulen", postcode="1000", **mentee),
        "els": MentorFactory(
            programme=programme,
            first_name="Els",
            sectors=["ict"],
            languages=["nl"],
            postcode="9000",
        ),
        "lina": MentorFactory(
            programme=programme, first_name="Lina", sectors=["ict"], postcode="4000"
        ),
    }


@pytest.fixture
def batch(db, django_capture_on_commit_callbacks):
    programme = ProgrammeFactory()
    people = _people(programme)
    coordinator = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_runs.run_start(coordinator, programme=programme)
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.DONE
    return {"programme": programme, "run": run, "actor": coordinator, **people}


def _draft(run, mentee):
    return run.drafts.select_related("run", "mentee", "mentor").get(mentee=mentee)


def _resolve(batch, run, capture):
    with capture(execute=True):
        new = review.run_resolve(batch["actor"], run=run)
    new.refresh_from_db()
    assert new.status == MatchingRun.Status.DONE
    return new


# --- services ----------------------------------------------------------------------


def test_a_rejected_pair_is_never_proposed_again_in_the_run_and_can_be_unrejected(
    batch, django_capture_on_commit_callbacks
):
    run, amina = batch["run"], batch["amina"]
    draft = _draft(run, amina)
    first = draft.mentor
    assert first in (batch["karim"], batch["jef"])
    review.draft_lock(batch["actor"], draft=draft, locked=True)
    review.draft_reject(batch["actor"], draft=_draft(run, amina))
    row = next(r for r in review.run_rows(run, run.drafts.all()) if r.draft.mentee == amina)
    assert row.rejected and not row.publishable and row.rejected_mentors == [first]
    assert not _draft(run, amina).locked  # rejecting unlocks
    with pytest.raises(ValidationError, match="rejected pair cannot be locked"):
        review.draft_lock(batch["actor"], draft=_draft(run, amina), locked=True)

    rerun = _resolve(batch, run, django_capture_on_commit_callbacks)
    again = _draft(rerun, amina)
    assert again.mentor is not None and again.mentor != first  # the other one, never the rejected
    assert set(rerun.rejections.values_list("mentee", "mentor")) == {(amina.pk, first.pk)}
    with pytest.raises(ValidationError, match="newer run"):
        review.draft_reject(batch["actor"], draft=_draft(run, batch["tom"]))  # the old run is stale

    review.rejection_undo(batch["actor"], run=rerun, mentee=amina, mentor=first)
    assert not MatchRejection.objects.filter(run=rerun).exists()
    with pytest.raises(ValidationError, match="not rejected"):
        review.rejection_undo(batch["actor"], run=rerun, mentee=amina, mentor=first)


def test_swap_offers_only_eligible_mentors_with_a_free_place_and_locks_the_row(
    batch, django_capture_on_commit_callbacks
):
    run, amina = batch["run"], batch["amina"]
    draft = _draft(run, amina)
    options = review.swap_options(run, draft=draft)
    # Her own mentor is hers already, the other French logistics mentor is Sara's in
    # this run, Els shares no language with her: only Lina is left.
    assert [o.mentor for o in options] == [batch["lina"]]
    assert options[0].reasons and all("+" in reason for reason in options[0].reasons)

    foreign = MentorFactory(languages=["fr"])  # another programme's mentor
    with pytest.raises(ValidationError, match="cannot be proposed"):
        review.draft_swap(batch["actor"], draft=draft, mentor=foreign)
    with pytest.raises(ValidationError, match="cannot be proposed"):
        review.draft_swap(batch["actor"], draft=draft, mentor=batch["els"])
    assert _draft(run, amina).mentor == draft.mentor and not _draft(run, amina).locked

    swapped = review.draft_swap(batch["actor"], draft=draft, mentor=batch["lina"])
    assert swapped.locked and swapped.mentor == batch["lina"] and swapped.components
    # The run's mean score is that of its rows as they are now.
    run.refresh_from_db()
    scores = [d.score for d in run.drafts.exclude(mentor=None)]
    assert run.matched == len(scores)
    assert run.mean_score == round(sum(scores) / len(scores), 2)
    rerun = _resolve(batch, run, django_capture_on_commit_callbacks)
    kept = _draft(rerun, amina)
    assert kept.locked and kept.mentor == batch["lina"]


def test_only_the_chosen_rows_become_proposals_and_the_rest_stay_drafts(batch, mailoutbox):
    run, amina, tom = batch["run"], batch["amina"], batch["tom"]
    chosen = {_draft(run, m) for m in (amina, tom)}
    plan = review.publish_plan(run, mentee_uuids=[str(d.mentee.uuid) for d in chosen])
    assert {p.draft.mentee for p in plan} == {amina, tom}
    assert all(set(p.told) == {p.draft.mentee, p.draft.mentor} for p in plan)

    duos = review.run_publish(
        batch["actor"], run=run, chosen={str(d.mentee.uuid): str(d.mentor.uuid) for d in chosen}
    )
    assert {(d.mentee, d.mentor) for d in duos} == {(d.mentee, d.mentor) for d in chosen}
    assert not Duo.objects.filter(mentee=batch["sara"]).exists()  # not chosen: still a draft
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.DONE  # Sara's row is left to publish
    rows = {r.draft.mentee: r for r in review.run_rows(run, run.drafts.all())}
    assert rows[amina].proposed and not rows[amina].publishable and rows[batch["sara"]].publishable

    with pytest.raises(ValidationError, match="published already"):
        review.publish_plan(run, mentee_uuids=[str(amina.uuid)])
    with pytest.raises(ValidationError, match="published already"):
        review.draft_reject(batch["actor"], draft=_draft(run, amina))
    sara = _draft(run, batch["sara"])
    review.run_publish(
        batch["actor"], run=run, chosen={str(sara.mentee.uuid): str(sara.mentor.uuid)}
    )
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.PUBLISHED


def test_publishing_is_all_or_nothing_and_refuses_what_changed(batch):
    run, amina, sara = batch["run"], batch["amina"], batch["sara"]
    a, s = _draft(run, amina), _draft(run, sara)
    both = {str(a.mentee.uuid): str(a.mentor.uuid), str(s.mentee.uuid): str(s.mentor.uuid)}
    # Meanwhile Sara was proposed by hand from her suggestions page.
    DuoFactory(programme=batch["programme"], mentee=sara, mentor=batch["lina"], proposed=True)
    with pytest.raises(ValidationError, match="no longer waiting"):
        review.run_publish(batch["actor"], run=run, chosen=both)
    assert not Duo.objects.filter(mentee=amina).exists()  # nothing half-done

    # The confirmation named another mentor than the row has now.
    with pytest.raises(ValidationError, match="changed after you chose"):
        review.run_publish(
            batch["actor"], run=run, chosen={str(amina.uuid): str(batch["lina"].uuid)}
        )
    for forged in (["not-a-uuid"], [str(batch["karim"].uuid)], []):
        with pytest.raises(ValidationError):
            review.publish_plan(run, mentee_uuids=forged)
    review.draft_reject(batch["actor"], draft=a)
    with pytest.raises(ValidationError, match="was rejected"):
        review.publish_plan(run, mentee_uuids=[str(amina.uuid)])
    assert not Duo.objects.filter(mentee=amina).exists()


# --- pages -------------------------------------------------------------------------


@pytest.fixture
def page_run(world, django_capture_on_commit_callbacks):
    people = _people(world.programme)
    with django_capture_on_commit_callbacks(execute=True):
        run = matching_runs.run_start(world.coordinator, programme=world.programme)
    return {"run": run, **people}


def _urls(run, mentee, mentor):
    return {
        "get": [
            reverse("duos:matching_run", args=[run.uuid]),
            reverse("duos:draft_swap", args=[run.uuid, mentee.uuid]),
            reverse("duos:run_publish", args=[run.uuid]) + f"?row={mentee.uuid}",
        ],
        "post": [
            reverse("duos:draft_reject", args=[run.uuid, mentee.uuid]),
            reverse("duos:rejection_undo", args=[run.uuid, mentee.uuid, mentor.uuid]),
            reverse("duos:draft_swap", args=[run.uuid, mentee.uuid]),
            reverse("duos:run_publish", args=[run.uuid]),
        ],
    }


@pytest.mark.parametrize(
    ("who", "status"), [("coach", 403), ("funder", 403), ("mentor_user", 403), ("outsider", 404)]
)
def test_the_review_pages_are_for_the_programmes_coordinators(client, world, page_run, who, status):
    run, amina = page_run["run"], page_run["amina"]
    mentor = _draft(run, amina).mentor
    client.force_login(getattr(world, who))
    urls = _urls(run, amina, mentor)
    assert [client.get(u).status_code for u in urls["get"]] == [status] * 3
    answers = [
        client.post(u, {"mentor": page_run["lina"].uuid, "pair": f"{amina.uuid}:{mentor.uuid}"})
        for u in urls["post"]
    ]
    assert [a.status_code for a in answers] == [status] * 4
    assert not MatchRejection.objects.exists() and not Duo.objects.filter(mentee=amina).exists()
    assert _draft(run, amina).mentor == mentor and not _draft(run, amina).locked


def test_anonymous_is_sent_to_sign_in(client, page_run):
    run, amina = page_run["run"], page_run["amina"]
    response = client.get(reverse("duos:draft_swap", args=[run.uuid, amina.uuid]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_reject_and_unreject_through_the_page(client, world, page_run):
    client.force_login(world.coordinator)
    run, amina = page_run["run"], page_run["amina"]
    mentor = _draft(run, amina).mentor
    page = client.get(reverse("duos:matching_run", args=[run.uuid])).content.decode()
    assert f"Reject Amina with {mentor.first_name}" in page
    response = client.post(reverse("duos:draft_reject", args=[run.uuid, amina.uuid]), follow=True)
    body = response.content.decode()
    assert "rejected: re-solve" in body and "Rejected in this run:" in body
    assert f"Undo the rejection of {mentor.first_name}" in body
    assert f'value="{amina.uuid}"' not in body  # a rejected row cannot be chosen to publish
    assert MatchRejection.objects.filter(run=run, mentee=amina, mentor=mentor).exists()
    response = client.post(
        reverse("duos:rejection_undo", args=[run.uuid, amina.uuid, mentor.uuid]), follow=True
    )
    assert "no longer rejected" in response.content.decode()
    assert not MatchRejection.objects.exists()


def test_swap_through_the_page_and_forged_mentors(client, world, page_run):
    client.force_login(world.coordinator)
    run, amina = page_run["run"], page_run["amina"]
    url = reverse("duos:draft_swap", args=[run.uuid, amina.uuid])
    page = client.get(url).content.decode()
    assert "Choose Lina" in page and "Choose Els" not in page
    assert "Both speak French" in page or "both speak French" in page  # labels, not codes
    before = _draft(run, amina).mentor
    foreign = MentorFactory(programme=world.other_programme, languages=["fr"])
    for forged in (str(foreign.uuid), "garbage", str(page_run["els"].uuid)):
        response = client.post(url, {"mentor": forged}, follow=True)
        assert response.status_code == 200
        assert "cannot be proposed to this mentee now" in response.content.decode()
    assert _draft(run, amina).mentor == before
    response = client.post(url, {"mentor": page_run["lina"].uuid}, follow=True)
    assert "now goes with" in response.content.decode()
    assert _draft(run, amina).mentor == page_run["lina"] and _draft(run, amina).locked


def test_publish_the_chosen_rows_after_a_confirmation_naming_who_is_told(
    client, world, page_run, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    run, amina, tom = page_run["run"], page_run["amina"], page_run["tom"]
    a, t = _draft(run, amina), _draft(run, tom)
    page = client.get(reverse("duos:matching_run", args=[run.uuid])).content.decode()
    assert 'name="row"' in page and "checked" not in page  # nothing chosen for the coordinator
    url = reverse("duos:run_publish", args=[run.uuid])
    confirm = client.get(url, {"row": [amina.uuid, tom.uuid]})
    body = confirm.content.decode()
    assert "2 proposals will be made" in body
    assert f"Amina B. with {a.mentor.first_name} {a.mentor.last_name[0]}." in body
    assert amina.email in body and a.mentor.email in body and t.mentor.email in body
    assert page_run["sara"].first_name not in body  # not chosen, not mentioned
    assert not Duo.objects.filter(mentee__in=[amina, tom]).exists()  # nothing sent yet

    pairs = [f"{amina.uuid}:{a.mentor.uuid}", f"{tom.uuid}:{t.mentor.uuid}"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"pair": pairs}, follow=True)
    assert "2 proposals published" in response.content.decode()
    proposed = Duo.objects.filter(programme=world.programme, status=Duo.Status.PROPOSED)
    assert {(d.mentee, d.mentor) for d in proposed} == {(amina, a.mentor), (tom, t.mentor)}
    assert {m.to[0] for m in mailoutbox} == {amina.email, a.mentor.email, tom.email, t.mentor.email}

    again = client.post(url, {"pair": pairs}, follow=True)
    assert "published already" in again.content.decode()
    assert proposed.count() == 2


@pytest.mark.parametrize(
    "data",
    [{}, {"pair": "nonsense"}, {"pair": "x:y"}, {"pair": ":"}],
)
def test_forged_publish_input_gets_a_message_not_an_error(client, world, page_run, data):
    client.force_login(world.coordinator)
    run = page_run["run"]
    response = client.post(reverse("duos:run_publish", args=[run.uuid]), data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("duos:matching_run", args=[run.uuid])
    assert not Duo.objects.filter(status=Duo.Status.PROPOSED, match_score__isnull=False).exists()
    for row in ([], ["nonsense"], [world.mentee.uuid]):
        response = client.get(reverse("duos:run_publish", args=[run.uuid]), {"row": row})
        assert response.status_code == 302


def test_a_stale_run_says_so_and_changes_nothing(
    client, world, page_run, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    run, amina = page_run["run"], page_run["amina"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("duos:run_resolve", args=[run.uuid]))
    page = client.get(reverse("duos:matching_run", args=[run.uuid])).content.decode()
    assert "out of date" in page and "Reject Amina" not in page
    response = client.post(reverse("duos:draft_reject", args=[run.uuid, amina.uuid]), follow=True)
    assert "newer run" in response.content.decode()
    assert not MatchRejection.objects.exists()


def test_the_proposal_says_why_and_when_both_can_meet(client, world):
    mentee = MenteeFactory(
        programme=world.programme, available_slots=["weekday_evening", "weekend"]
    )
    mentor = MentorFactory(
        programme=world.programme,
        available_slots=["weekend"],
        availability="Saturday mornings, not in August",
    )
    components = [
        {"component": "sector", "points": 40, "detail": "logistics"},
        {"component": "language", "points": 25, "detail": "fr"},
        {"component": "waiting", "points": 1.9, "detail": "34"},
    ]
    duo = DuoFactory(
        programme=world.programme,
        mentee=mentee,
        mentor=mentor,
        proposed=True,
        match_score=66.9,
        score_components=components,
    )
    client.force_login(world.coordinator)
    page = client.get(reverse("duos:duo_detail", args=[duo.uuid])).content.decode()
    for text in (
        "Why this pair was proposed",
        "same sector: Logistics and transport +40",
        "both speak French +25",
        "waited 34 days +1.9",
        "Weekday evenings, Weekends",
        "Saturday mornings, not in August",
        mentee.email,
        mentee.phone,
        mentor.email,
        mentor.phone,
    ):
        assert text in page, text
    assert "logistics +40" not in page  # the sector's label, not its code
    # The mentor reads their proposal, without the coordinator's reasons.
    mentor.user = UserFactory()
    mentor.save()
    client.force_login(mentor.user)
    page = client.get(reverse("duos:duo_detail", args=[duo.uuid])).content.decode()
    assert "Why this pair was proposed" not in page


def test_the_mentors_page_shows_their_availability(client, world):
    mentor = MentorFactory(
        programme=world.programme, available_slots=["weekend"], availability="Saturday mornings"
    )
    client.force_login(world.coordinator)
    page = client.get(reverse("duos:mentor_detail", args=[mentor.uuid])).content.decode()
    assert "Weekends" in page and "Saturday mornings" in page
