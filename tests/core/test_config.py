"""The one environment reader: typed values, and a ConfigError that names the variable."""

from __future__ import annotations

import stat

import pytest

from samenbieb.config.env import (
    ConfigError,
    Environment,
    data_dir,
    database,
    mail_dir,
    secret_key,
)

GOOD_KEY = "k" * 50


# --- flags -----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["true", "True", "TRUE", "1", "yes", "on", " true "])
def test_a_flag_reads_true(raw):
    assert Environment({"SAMENBIEB_DEBUG": raw}).flag("SAMENBIEB_DEBUG", False) is True


@pytest.mark.parametrize("raw", ["false", "False", "0", "no", "off", ""])
def test_a_flag_reads_false(raw):
    assert Environment({"SAMENBIEB_DEBUG": raw}).flag("SAMENBIEB_DEBUG", True) is False


@pytest.mark.parametrize("default", [True, False])
def test_a_missing_flag_takes_its_default(default):
    assert Environment({}).flag("SAMENBIEB_DEBUG", default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "y", "enabled"])
def test_a_flag_rejects_anything_else_naming_the_variable(raw):
    with pytest.raises(ConfigError) as rejected:
        Environment({"SAMENBIEB_DEBUG": raw}).flag("SAMENBIEB_DEBUG", False)

    assert str(rejected.value).startswith("SAMENBIEB_DEBUG")
    assert repr(raw) in str(rejected.value)
    assert rejected.value.variable == "SAMENBIEB_DEBUG"


# --- integers and words ----------------------------------------------------------------------


def test_an_integer_is_read():
    assert Environment({"SAMENBIEB_SMTP_PORT": "587"}).integer("SAMENBIEB_SMTP_PORT", 25) == 587


@pytest.mark.parametrize("values", [{}, {"SAMENBIEB_SMTP_PORT": ""}, {"SAMENBIEB_SMTP_PORT": " "}])
def test_a_missing_or_empty_integer_takes_its_default(values):
    assert Environment(values).integer("SAMENBIEB_SMTP_PORT", 25) == 25


@pytest.mark.parametrize("raw", ["twenty", "2.5", "25 ports"])
def test_an_integer_rejects_what_is_not_a_whole_number(raw):
    with pytest.raises(ConfigError) as rejected:
        Environment({"SAMENBIEB_SMTP_PORT": raw}).integer("SAMENBIEB_SMTP_PORT", 25)

    assert str(rejected.value).startswith("SAMENBIEB_SMTP_PORT")


def test_an_integer_below_its_minimum_is_rejected():
    env = Environment({"SAMENBIEB_CALENDAR_HORIZON_DAYS": "3"})

    with pytest.raises(ConfigError, match=r"^SAMENBIEB_CALENDAR_HORIZON_DAYS: .*at least 7"):
        env.integer("SAMENBIEB_CALENDAR_HORIZON_DAYS", 366, minimum=7)


def test_words_are_split_on_commas_and_trimmed():
    env = Environment({"SAMENBIEB_ALLOWED_HOSTS": " bieb.example, ,www.bieb.example "})

    assert env.words("SAMENBIEB_ALLOWED_HOSTS", ["localhost"]) == [
        "bieb.example",
        "www.bieb.example",
    ]
    assert Environment({}).words("SAMENBIEB_ALLOWED_HOSTS", ["localhost"]) == ["localhost"]


# --- the database ----------------------------------------------------------------------------


def test_a_postgres_url_gives_a_postgresql_database_with_pooled_checked_connections(tmp_path):
    env = Environment({"DATABASE_URL": "postgres://bieb:geheim@db.example:5433/samenbieb"})

    config = database(env, tmp_path)

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("samenbieb", "bieb", "geheim")
    assert (config["HOST"], config["PORT"]) == ("db.example", 5433)
    assert config["CONN_MAX_AGE"] == 300
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["OPTIONS"]["connect_timeout"] == 5
    assert config["OPTIONS"]["application_name"] == "samenbieb"
    assert config["OPTIONS"]["options"] == "-c jit=off"


def test_the_postgresql_scheme_is_accepted_too(tmp_path):
    config = database(Environment({"DATABASE_URL": "postgresql://bieb@db/samenbieb"}), tmp_path)

    assert config["ENGINE"] == "django.db.backends.postgresql"


def test_the_connection_lifetime_can_be_set(tmp_path):
    env = Environment(
        {"DATABASE_URL": "postgres://bieb@db/samenbieb", "SAMENBIEB_DB_CONN_MAX_AGE": "0"}
    )

    assert database(env, tmp_path)["CONN_MAX_AGE"] == 0


def test_a_postgres_url_without_a_database_name_is_rejected(tmp_path):
    with pytest.raises(ConfigError, match=r"^DATABASE_URL"):
        database(Environment({"DATABASE_URL": "postgres://bieb@db"}), tmp_path)


@pytest.mark.parametrize("url", ["mysql://x/y", "oracle://bieb@db/samenbieb", "db.example/x"])
def test_an_unsupported_database_scheme_is_rejected(url, tmp_path):
    with pytest.raises(ConfigError) as rejected:
        database(Environment({"DATABASE_URL": url}), tmp_path)

    assert rejected.value.variable == "DATABASE_URL"
    assert str(rejected.value).startswith("DATABASE_URL: unsupported scheme")


@pytest.mark.parametrize("values", [{}, {"DATABASE_URL": ""}])
def test_without_a_database_url_the_embedded_sqlite_file_is_used_durably(values, tmp_path):
    config = database(Environment(values), tmp_path)

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "samenbieb.sqlite3")
    init = config["OPTIONS"]["init_command"]
    assert "PRAGMA journal_mode=WAL" in init
    assert "PRAGMA synchronous=FULL" in init
    assert "PRAGMA foreign_keys=ON" in init
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_a_sqlite_url_names_the_file(tmp_path):
    config = database(Environment({"DATABASE_URL": "sqlite:////srv/bieb/db.sqlite3"}), tmp_path)

    assert config["NAME"] == "/srv/bieb/db.sqlite3"
    assert "PRAGMA synchronous=FULL" in config["OPTIONS"]["init_command"]


# --- the data folder and the secret key ------------------------------------------------------


def test_the_data_folder_is_created(tmp_path):
    folder = tmp_path / "a" / "b"

    assert data_dir(Environment({"SAMENBIEB_DATA_DIR": str(folder)})) == folder
    assert folder.is_dir()


def test_a_data_folder_that_cannot_be_created_is_named_in_the_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")

    with pytest.raises(ConfigError, match=r"^SAMENBIEB_DATA_DIR: cannot create"):
        data_dir(Environment({"SAMENBIEB_DATA_DIR": str(blocker / "data")}))


def test_a_secret_key_from_the_environment_is_used(tmp_path):
    assert secret_key(Environment({"SAMENBIEB_SECRET_KEY": GOOD_KEY}), tmp_path) == GOOD_KEY
    assert not (tmp_path / "secret_key").exists()


def test_a_secret_key_shorter_than_50_characters_is_rejected(tmp_path):
    with pytest.raises(ConfigError) as rejected:
        secret_key(Environment({"SAMENBIEB_SECRET_KEY": "k" * 49}), tmp_path)

    assert str(rejected.value).startswith("SAMENBIEB_SECRET_KEY")
    assert "k" * 49 not in str(rejected.value)


def test_a_secret_key_is_generated_once_and_kept_in_the_data_folder(tmp_path):
    first = secret_key(Environment({}), tmp_path)
    second = secret_key(Environment({}), tmp_path)

    assert len(first) >= 50
    assert second == first
    stored = tmp_path / "secret_key"
    assert stored.read_text().strip() == first
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600


def test_each_data_folder_gets_its_own_secret_key(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()

    assert secret_key(Environment({}), tmp_path / "one") != secret_key(
        Environment({}), tmp_path / "two"
    )


def test_a_deployment_that_requires_a_secret_key_refuses_to_generate_one(tmp_path):
    env = Environment({"SAMENBIEB_REQUIRE_SECRET_KEY": "true"})

    with pytest.raises(ConfigError, match=r"^SAMENBIEB_SECRET_KEY"):
        secret_key(env, tmp_path)

    assert not (tmp_path / "secret_key").exists()


# --- the demo's mail folder ------------------------------------------------------------------


def test_without_a_mail_folder_mail_is_sent_by_smtp():
    assert mail_dir(Environment({})) is None
    assert mail_dir(Environment({"SAMENBIEB_MAIL_DIR": ""})) is None


def test_a_mail_folder_is_created_when_missing(tmp_path):
    wanted = tmp_path / "demo" / "mail"

    assert mail_dir(Environment({"SAMENBIEB_MAIL_DIR": str(wanted)})) == wanted
    assert wanted.is_dir()


def test_a_mail_folder_that_cannot_be_made_is_a_config_error_naming_the_variable(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    with pytest.raises(ConfigError) as rejected:
        mail_dir(Environment({"SAMENBIEB_MAIL_DIR": str(blocker / "mail")}))

    assert rejected.value.variable == "SAMENBIEB_MAIL_DIR"
