"""Settings: the example file is valid, bad values name their key, the environment wins."""
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_example_file_is_valid_and_complete():
    s = load_settings(ROOT / "deskbot.example.toml")
    assert s.server.port == 8080 and s.database.url.startswith("sqlite://")


def test_bad_value_names_the_key(tmp_path):
    path = tmp_path / "deskbot.toml"
    path.write_text('[server]\nport = "eighty"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as exc:
        load_settings(path)
    assert "server.port" in str(exc.value) and "配置错误" in str(exc.value)


def test_a_value_outside_its_choices_names_them():
    with pytest.raises(SettingsError) as exc:
        load_settings(None, dingtalk__mode="steam")
    assert str(exc.value) == "配置错误：dingtalk.mode：应为以下之一：'http'、'stream'"


def test_a_choice_outside_the_list_names_the_choices_in_chinese(tmp_path):
    path = tmp_path / "deskbot.toml"
    path.write_text('[wecom.bot]\nmode = "websocket"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as exc:
        load_settings(path)
    assert "wecom.bot.mode：应为以下之一：'callback'、'long_connection'" in str(exc.value)


def test_unknown_key_is_refused(tmp_path):
    path = tmp_path / "deskbot.toml"
    path.write_text("[wecom]\ncorpid = 'x'\n", encoding="utf-8")
    with pytest.raises(SettingsError) as exc:
        load_settings(path)
    assert "wecom.corpid" in str(exc.value)


def test_short_aes_key_is_refused():
    with pytest.raises(SettingsError) as exc:
        load_settings(None, wecom__encoding_aes_key="short")
    assert "wecom.encoding_aes_key" in str(exc.value) and "43" in str(exc.value)


def test_broken_toml_is_reported(tmp_path):
    path = tmp_path / "deskbot.toml"
    path.write_text("[server\n", encoding="utf-8")
    with pytest.raises(SettingsError) as exc:
        load_settings(path)
    assert "不是有效的 TOML" in str(exc.value)


def test_environment_overrides_file_and_database_url(tmp_path, monkeypatch):
    path = tmp_path / "deskbot.toml"
    path.write_text("[wecom]\nsecret = 'from-file'\n", encoding="utf-8")
    monkeypatch.setenv("DESKBOT_WECOM__SECRET", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/x")
    s = load_settings(path)
    assert s.wecom.secret == "from-env"
    assert s.database.url == "postgres://u@127.0.0.1:5432/x"


def test_bad_clock_policy_names_the_clock_and_key():
    with pytest.raises(SettingsError) as exc:
        load_settings(None, clocks={"ticket_claim": {"target": "soon"}})
    assert "clocks.ticket_claim.target" in str(exc.value)
