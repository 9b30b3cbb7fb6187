"""The class roster: ``username,role[,name,email,...]`` per line; bad lines fail with the line and the fix."""

import pytest

from classroom.roster import RosterError, load_roster, parse_roster
from classroom.settings import HubSettings


def test_parses_instructors_and_students_with_header_and_comments():
    roster = parse_roster("username,role\n# the class\nteacher,instructor\nalice,student\n bob , Student \n")
    assert roster.instructors == ["teacher"]
    assert roster.students == ["alice", "bob"]
    assert roster.role_of("bob") == "student" and roster.role_of("nobody") is None


def test_names_and_emails_are_kept_for_the_gradebook():
    roster = parse_roster('username,role,name,email\nteacher,instructor\nalice,student,"Liddell, Alice",a@x.org\n')
    alice = roster.people[1]
    assert alice.first_and_last_name == ("Alice", "Liddell") and alice.email == "a@x.org"


@pytest.mark.parametrize("text, message", [
    ("teacher,instructor\nRoot Admin,student\n", "invalid username 'Root Admin'"),
    ("teacher,instructor\nalice,tutor\n", "roster:2: role 'tutor' of alice"),
    ("teacher,instructor\nalice,student\nalice,student\n", "roster:3: alice is listed twice"),
    ("alice,student\n", "no instructor"),
    ("username,role\nteacher,instructor,Grace Hopper\n", "roster:2: 3 columns, but the roster has 2"),
])
def test_bad_rosters_say_what_is_wrong(text, message):
    with pytest.raises(RosterError, match=message):
        parse_roster(text)


def test_missing_roster_file_names_the_example(tmp_path):
    with pytest.raises(RosterError, match="roster.example.csv"):
        load_roster(tmp_path / "roster.csv")


def test_example_roster_is_valid():
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "classroom" / "roster.example.csv"
    roster = load_roster(example)
    assert roster.instructors == ["teacher"] and roster.people[2].first_and_last_name == ("Bob", "Marley")


def test_settings_from_environment_and_bad_port():
    settings = HubSettings.from_environment({"NNBASICS_HUB_STATE": "/srv/x", "NNBASICS_HUB_PORT": "9000",
                                             "NNBASICS_HUB_IP": "0.0.0.0"})
    assert settings.env_dir.as_posix() == "/srv/x/env" and settings.url == "http://127.0.0.1:9000"
    assert settings.exchange.as_posix() == "/srv/nbgrader/exchange"
    with pytest.raises(ValueError, match="NNBASICS_HUB_PORT"):
        HubSettings.from_environment({"NNBASICS_HUB_PORT": "80a"})
