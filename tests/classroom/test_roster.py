"""The class roster: one ``username,role`` per line; bad lines fail with the line and the fix."""

import pytest

from classroom.roster import RosterError, load_roster, parse_roster
from classroom.settings import HubSettings


def test_parses_instructors_and_students_with_header_and_comments():
    roster = parse_roster("username,role\n# the class\nteacher,instructor\nalice,student\n bob , Student \n")
    assert roster.instructors == ["teacher"]
    assert roster.students == ["alice", "bob"]
    assert roster.role_of("bob") == "student" and roster.role_of("nobody") is None


@pytest.mark.parametrize("text, message", [
    ("teacher,instructor\nRoot Admin,student\n", "line 2: invalid username 'Root Admin'"),
    ("teacher,instructor\nalice,tutor\n", "line 2: role must be 'instructor' or 'student'"),
    ("teacher,instructor\nalice,student\nalice,student\n", "line 3: 'alice' is listed twice"),
    ("alice,student\n", "no instructor"),
    ("teacher,instructor,extra\n", "line 1: expected 'username,role'"),
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
    assert load_roster(example).instructors == ["teacher"]


def test_settings_from_environment_and_bad_port():
    settings = HubSettings.from_environment({"NNBASICS_HUB_STATE": "/srv/x", "NNBASICS_HUB_PORT": "9000",
                                             "NNBASICS_HUB_IP": "0.0.0.0"})
    assert settings.env_dir.as_posix() == "/srv/x/env" and settings.url == "http://127.0.0.1:9000"
    assert settings.exchange.as_posix() == "/srv/nbgrader/exchange"
    with pytest.raises(ValueError, match="NNBASICS_HUB_PORT"):
        HubSettings.from_environment({"NNBASICS_HUB_PORT": "80a"})
