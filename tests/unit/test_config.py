"""Tests for the typed Webex configuration (webex_meetings._config)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from webex_meetings._config import (
    BandwidthConfig,
    CredentialsConfig,
    HttpConfig,
    MeetingsConfig,
    ReconnectionConfig,
    ResolutionConfig,
    ScreenResolutionConfig,
    WebexConfig,
)
from webex_meetings._exceptions import ConfigError

SECRET = "s3cr3t-Zq8vXw"
TOKEN = "tok-Kp4nRm9Lq2"


class AsyncAdapter:
    async def bind(self, namespace: str, **options: Any) -> object:
        return object()


class SyncAdapter:
    def bind(self, namespace: str) -> object:
        return object()


def seed_example() -> dict[str, Any]:
    """The seed document's complete example object, in Python (storage adapters omitted)."""
    return {
        "appPlatform": "testClient",
        "fedRamp": True,
        "credentials": {
            "access_token": TOKEN,
            "clientType": "confidential",
            "client_id": "id",
            "client_secret": SECRET,
            "scope": "spark:all spark:kms",
            "redirect_uri": "https://app.example.com/callback",
        },
        "logger": {"level": "debug", "historyLength": 1000},
        "appName": "sdk-samples",
        "meetings": {
            "mediaSettings": {"pstn": False},
            "reconnection": {"enabled": False, "autoRejoin": True},
            "metrics": {"clientName": "WEBEX_JS_SDK", "clientType": "WEBEX_SDK"},
            "logging": {"enable": True, "verboseEvents": True},
            "resolution": {
                "maxWidth": 1280,
                "maxHeight": 720,
                "idealWidth": 1280,
                "idealHeight": 720,
            },
            "screenResolution": {
                "maxWidth": 1920,
                "maxHeight": 1080,
                "idealWidth": 1920,
                "idealHeight": 1080,
            },
            "bandwidth": {"audio": 64000, "video": 4000000, "startBitrate": 2000},
            "videoShareFrameRate": 30,
            "aspectRatio": 1.7695852534562213,
            "autoUploadLogs": True,
            "enableRtx": True,
            "receiveTranscription": False,
            "enableExtmap": False,
            "experimental": {
                "enableMediaNegotiatedEvent": False,
                "enableUnifiedMeetings": False,
                "enableAdhocMeetings": False,
                "enableTurnDiscovery": True,
            },
        },
    }


def config_error(value: Any) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        WebexConfig.load(value)
    return info.value


# --- defaults ------------------------------------------------------------------------------


def test_defaults_match_the_js_sdk() -> None:
    config = WebexConfig.load(None)
    meetings = config.meetings
    assert config.device.ephemeral is True
    assert config.device.ephemeral_device_ttl == 1800
    assert config.device.can_register_wait_duration == 10
    assert config.device.defaults.body.device_type == "WEB"
    assert config.device.defaults.body.model == "web-js-sdk"
    assert config.credentials.client_type == "confidential"
    assert config.credentials.idbroker_url == "https://idbroker.webex.com"
    assert config.credentials.identity_url == "https://identity.webex.com"
    assert meetings.device_type == "WEB"
    assert meetings.experimental.enable_unified_meetings is True
    assert meetings.experimental.enable_adhoc_meetings is True
    assert meetings.experimental.enable_media_negotiated_event is False
    assert meetings.experimental.enable_turn_discovery is None
    assert meetings.reconnection.enabled is False
    assert meetings.reconnection.auto_rejoin is True
    assert meetings.reconnection.ice_reconnection_timeout == 10000
    assert meetings.reconnection.max_rejoin_attempts == 3
    assert meetings.auto_upload_logs is True
    assert meetings.enable_rtx is True
    assert meetings.enable_extmap is False
    assert meetings.enable_automatic_llm is False
    assert meetings.installed_org_id is None
    assert meetings.bandwidth == BandwidthConfig(audio=64000, video=4000000, start_bitrate=2000)
    assert (meetings.resolution.max_width, meetings.resolution.max_height) == (1280, 720)
    assert (meetings.screen_resolution.ideal_width, meetings.screen_resolution.ideal_height) == (
        1920,
        1080,
    )
    assert meetings.screen_frame_rate == 10
    assert meetings.video_share_frame_rate == 30
    assert meetings.aspect_ratio == 1.7695852534562213
    assert meetings.degradation_preferences.max_macroblocks_limit == 8192
    assert meetings.metrics.client_name == "WEBEX_JS_SDK"
    assert meetings.metrics.mqa_metrics_interval == 60000
    assert meetings.stats.history_max == 120
    mercury = config.mercury
    assert (mercury.ping_interval, mercury.pong_timeout) == (15000, 14000)
    assert (mercury.backoff_time_max, mercury.backoff_time_reset) == (32000, 1000)
    assert mercury.force_close_delay == 2000
    assert mercury.max_retries is None
    assert mercury.connect_timeout == 10.0
    assert config.services.discovery.u2c == "https://u2c.wbx2.com/u2c/api/v1"
    assert config.services.discovery.hydra == "https://api.ciscospark.com/v1"
    assert config.services.validate_domains is True
    assert config.services.services_not_need_validation == ("webex-appapi-service",)
    assert config.services.override == {}
    assert config.logger.history_length == 10000
    assert config.logger.level is None
    assert (config.max_app_level_redirects, config.max_locus_redirects) == (10, 5)
    assert (config.max_authentication_replays, config.max_reconnect_attempts) == (1, 1)
    assert config.fedramp is False
    assert config.sdk_type == "webex"
    assert config.tracking_id_prefix == "webex-meetings"
    assert config.storage.bounded_adapter is None
    assert config.default_mercury_options.proxy is None


def test_http_section_defaults() -> None:
    http = WebexConfig.load(None).http
    assert http == HttpConfig(
        timeout=30.0,
        max_retries=3,
        max_retry_wait=60.0,
        backoff_initial=0.5,
        backoff_max=8.0,
        max_concurrency=64,
        verify=True,
        proxy=None,
    )


def test_load_returns_a_config_unchanged() -> None:
    config = WebexConfig.load({"appName": "bot"})
    assert WebexConfig.load(config) is config
    assert config.app_name == "bot"


def test_partial_section_keeps_the_other_defaults() -> None:
    config = WebexConfig.load({"meetings": {"screenResolution": {"maxWidth": 2560}}})
    assert config.meetings.screen_resolution.max_width == 2560
    assert config.meetings.screen_resolution.max_height == 1080
    assert config.meetings.bandwidth.video == 4000000


# --- the JS shape --------------------------------------------------------------------------


def test_seed_example_loads() -> None:
    config = WebexConfig.load(seed_example())
    assert config.app_platform == "testClient"
    assert config.app_name == "sdk-samples"
    assert config.fedramp is True
    assert config.credentials.client_id == "id"
    assert config.credentials.scope == "spark:all spark:kms"
    assert config.credentials.access_token is not None
    assert config.credentials.access_token.get_secret_value() == TOKEN
    assert config.credentials.client_secret is not None
    assert config.credentials.client_secret.get_secret_value() == SECRET
    assert config.logger.level == "debug"
    assert config.logger.history_length == 1000
    assert config.meetings.experimental.enable_unified_meetings is False
    assert config.meetings.experimental.enable_adhoc_meetings is False
    assert config.meetings.experimental.enable_turn_discovery is True
    assert config.meetings.metrics.client_type == "WEBEX_SDK"
    assert config.meetings.metrics.sub_client_type == "WEB_APP"


def test_seed_example_with_python_storage_adapters() -> None:
    bounded, unbounded = AsyncAdapter(), AsyncAdapter()
    data = seed_example() | {"storage": {"boundedAdapter": bounded, "unboundedAdapter": unbounded}}
    config = WebexConfig.load(data)
    assert config.storage.bounded_adapter is bounded
    assert config.storage.unbounded_adapter is unbounded


def test_storage_adapter_needs_an_async_bind() -> None:
    error = config_error({"storage": {"boundedAdapter": SyncAdapter()}})
    assert error.key == "storage.boundedAdapter"
    assert "async bind()" in str(error)


@pytest.mark.parametrize("key", ["fedramp", "fedRamp"])
def test_fedramp_both_spellings(key: str) -> None:
    assert WebexConfig.load({key: True}).fedramp is True


@pytest.mark.parametrize("key", ["enableExtmap", "enableExtMap", "enable_extmap"])
def test_enable_extmap_all_spellings(key: str) -> None:
    assert WebexConfig.load({"meetings": {key: True}}).meetings.enable_extmap is True


def test_js_only_capitalisations() -> None:
    config = WebexConfig.load(
        {
            "device": {"ephemeralDeviceTTL": 600},
            "meetings": {
                "enableAutomaticLLM": True,
                "installedOrgID": "org-1",
                "metrics": {"autoSendMQA": False},
            },
        }
    )
    assert config.device.ephemeral_device_ttl == 600
    assert config.meetings.enable_automatic_llm is True
    assert config.meetings.installed_org_id == "org-1"
    assert config.meetings.metrics.auto_send_mqa is False


def test_nested_and_flat_identity_urls() -> None:
    nested = WebexConfig.load({"credentials": {"idbroker": {"url": "https://idb.example"}}})
    flat = WebexConfig.load({"credentials": {"idbrokerUrl": "https://idb.example"}})
    assert nested.credentials.idbroker_url == flat.credentials.idbroker_url == "https://idb.example"
    assert nested.credentials.resolved_token_url == (
        "https://idb.example/idb/oauth2/v1/access_token"
    )
    error = config_error({"credentials": {"idbroker": {"urll": "https://idb.example"}}})
    assert error.key == "credentials.idbroker.urll"
    assert "did you mean 'url'?" in str(error)


def test_mercury_agent_string_becomes_the_proxy() -> None:
    config = WebexConfig.load({"defaultMercuryOptions": {"agent": "http://proxy.local:3128"}})
    assert config.default_mercury_options.proxy == "http://proxy.local:3128"
    both = {"proxy": "http://a:1", "agent": "http://b:2"}
    assert WebexConfig.load({"defaultMercuryOptions": both}).default_mercury_options.proxy == (
        "http://a:1"
    )


def test_snake_case_keys_and_typed_sections() -> None:
    typed = MeetingsConfig(reconnection=ReconnectionConfig(enabled=True), enable_rtx=False)
    config = WebexConfig.load(
        {"meetings": typed, "default_mercury_options": {"proxy": "http://p:8080"}}
    )
    assert config.meetings is typed
    assert config.meetings.reconnection.enabled is True
    assert config.meetings.enable_rtx is False
    assert config.default_mercury_options.proxy == "http://p:8080"
    nested = WebexConfig.load(
        {"meetings": {"reconnection": ReconnectionConfig(max_rejoin_attempts=7)}}
    )
    assert nested.meetings.reconnection.max_rejoin_attempts == 7


def test_plain_resolution_is_accepted_for_screen_resolution() -> None:
    meetings = MeetingsConfig(screen_resolution=ResolutionConfig(max_width=2560))
    assert isinstance(meetings.screen_resolution, ScreenResolutionConfig)
    assert meetings.screen_resolution.max_width == 2560
    assert meetings.screen_resolution.max_height == 1080


# --- errors --------------------------------------------------------------------------------


def test_unknown_key_names_the_dotted_path_and_suggests() -> None:
    error = config_error({"meetings": {"reconnection": {"enabeld": True}}})
    assert isinstance(error, ValueError)
    assert error.key == "meetings.reconnection.enabeld"
    assert str(error) == (
        "unknown config key 'meetings.reconnection.enabeld' (did you mean 'enabled'?)"
    )


def test_unknown_key_keeps_the_callers_spelling() -> None:
    error = config_error({"meetings": {"experimental": {"enable_unifed_meetings": True}}})
    assert error.key == "meetings.experimental.enable_unifed_meetings"
    assert "did you mean 'enable_unified_meetings'?" in str(error)
    assert config_error({"maxLocusRedirect": 3}).key == "maxLocusRedirect"


def test_unknown_key_without_a_close_match_has_no_suggestion() -> None:
    error = config_error({"zzzz": 1})
    assert str(error) == "unknown config key 'zzzz'"


@pytest.mark.parametrize(
    ("data", "key", "expected"),
    [
        (
            {"meetings": {"bandwidth": {"audio": "lots"}}},
            "meetings.bandwidth.audio",
            "config key 'meetings.bandwidth.audio' must be an integer, got 'lots'",
        ),
        (
            {"meetings": {"reconnection": {"enabled": "yes"}}},
            "meetings.reconnection.enabled",
            "must be a boolean (True or False), got 'yes'",
        ),
        ({"meetings": {"screenFrameRate": 7.5}}, "meetings.screenFrameRate", "integer, got 7.5"),
        ({"maxLocusRedirects": True}, "maxLocusRedirects", "must be an integer, got True"),
        ({"fedRamp": 1}, "fedRamp", "must be a boolean"),
        ({"logger": {"level": "verbose"}}, "logger.level", "must be one of 'silent'"),
        ({"http": {"timeout": 0}}, "http.timeout", "must be greater than 0, got 0"),
        ({"services": {"allowedDomains": ["a.com", 5]}}, "services.allowedDomains[1]", "string"),
        ({"meetings": {"reconnection": 5}}, "meetings.reconnection", "must be a mapping"),
    ],
)
def test_wrong_type_names_the_key(data: dict[str, Any], key: str, expected: str) -> None:
    error = config_error(data)
    assert error.key == key
    assert expected in str(error)


def test_lax_int_from_string_is_accepted() -> None:
    assert (
        WebexConfig.load({"meetings": {"bandwidth": {"audio": "5"}}}).meetings.bandwidth.audio == 5
    )


def test_not_a_mapping() -> None:
    with pytest.raises(ConfigError, match="must be a mapping or a WebexConfig, got list"):
        WebexConfig.load([("appName", "x")])  # type: ignore[arg-type]


def test_several_errors_are_counted() -> None:
    error = config_error({"meetings": {"reconnection": 5, "bandwidth": {"audio": "x"}}})
    assert str(error).endswith("(and 1 more config error(s))")


# --- secrets -------------------------------------------------------------------------------


def test_secrets_never_show_in_repr_str_or_dumps() -> None:
    config = WebexConfig.load(seed_example() | {"credentials": {"refresh_token": SECRET}})
    assert isinstance(config.credentials.refresh_token, SecretStr)
    for text in (
        repr(config),
        str(config),
        repr(config.credentials),
        json.dumps(config.model_dump(mode="json")),
        json.dumps(config.to_js_dict()),
    ):
        assert SECRET not in text
        assert TOKEN not in text
    assert config.to_js_dict()["credentials"]["refresh_token"] == "**********"


@pytest.mark.parametrize(
    "credentials",
    [{"client_secret": 987654321}, {"access_token": ["tok-Kp4nRm9Lq2"]}, "tok-Kp4nRm9Lq2"],
)
def test_secrets_never_show_in_errors(credentials: Any) -> None:
    error = config_error({"credentials": credentials})
    assert "987654321" not in str(error)
    assert TOKEN not in str(error)
    assert error.__cause__ is None
    assert error.__suppress_context__ is True


def test_wrong_type_secret_is_hidden() -> None:
    error = config_error({"credentials": {"client_secret": 987654321}})
    assert str(error) == "config key 'credentials.client_secret' must be a string, got <hidden>"


# --- immutability, merge, JS dict ----------------------------------------------------------


def test_config_is_frozen() -> None:
    config = WebexConfig.load(None)
    with pytest.raises(ValidationError):
        config.app_name = "changed"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        config.meetings.reconnection.enabled = True  # type: ignore[misc]
    assert config.meetings.reconnection.enabled is False


def test_merged_deep_merges_and_leaves_the_original_alone() -> None:
    base = WebexConfig.load(
        {
            "appName": "bot",
            "meetings": {"reconnection": {"maxRejoinAttempts": 5}, "enableExtMap": True},
            "services": {"override": {"wdm": "http://127.0.0.1:1/wdm"}},
            "credentials": {"client_secret": SECRET},
        }
    )
    merged = base.merged(
        {
            "meetings": {"reconnection": {"enabled": True}},
            "services": {"override": {"locus": "http://127.0.0.1:1/locus"}},
        }
    )
    assert merged.meetings.reconnection.enabled is True
    assert merged.meetings.reconnection.max_rejoin_attempts == 5
    assert merged.meetings.enable_extmap is True
    assert merged.app_name == "bot"
    assert merged.services.override == {
        "wdm": "http://127.0.0.1:1/wdm",
        "locus": "http://127.0.0.1:1/locus",
    }
    assert merged.credentials.client_secret is not None
    assert merged.credentials.client_secret.get_secret_value() == SECRET
    assert base.meetings.reconnection.enabled is False
    assert base.services.override == {"wdm": "http://127.0.0.1:1/wdm"}


def test_merged_replaces_lists_and_validates() -> None:
    base = WebexConfig.load({"services": {"allowedDomains": ["a.com"]}})
    assert base.merged({"services": {"allowedDomains": ["b.com"]}}).services.allowed_domains == (
        "b.com",
    )
    with pytest.raises(ConfigError) as info:
        base.merged({"meetings": {"bandwith": {}}})
    assert info.value.key == "meetings.bandwith"
    assert "did you mean 'bandwidth'?" in str(info.value)


def test_merged_with_typed_sections() -> None:
    base = WebexConfig.load({"meetings": {"enableRtx": False}})
    merged = base.merged({"meetings": MeetingsConfig(bandwidth=BandwidthConfig(audio=32000))})
    assert merged.meetings.bandwidth.audio == 32000
    assert merged.meetings.bandwidth.video == 4000000
    assert merged.meetings.enable_rtx is False


def test_to_js_dict_is_the_js_shape_and_loads_back() -> None:
    config = WebexConfig.load(
        {
            "fedRamp": True,
            "credentials": {"client_secret": SECRET, "idbroker": {"url": "https://i"}},
        }
    )
    data = config.to_js_dict()
    assert data["fedramp"] is True
    assert data["meetings"]["enableExtmap"] is False
    assert data["meetings"]["experimental"]["enableUnifiedMeetings"] is True
    assert data["meetings"]["installedOrgID"] is None
    assert data["device"]["ephemeralDeviceTTL"] == 1800
    assert data["services"]["discovery"]["u2c"] == "https://u2c.wbx2.com/u2c/api/v1"
    assert data["services"]["servicesNotNeedValidation"] == ["webex-appapi-service"]
    assert data["defaultMercuryOptions"]["proxy"] is None
    assert data["credentials"]["idbroker"] == {"url": "https://i"}
    assert data["credentials"]["client_secret"] == "**********"
    assert "idbrokerUrl" not in data["credentials"]
    reloaded = WebexConfig.load(data)
    assert reloaded.credentials.idbroker_url == "https://i"
    assert reloaded.meetings == config.meetings
    assert reloaded.services == config.services


def test_typed_credentials_keep_the_secret_usable() -> None:
    creds = CredentialsConfig(client_secret=SecretStr(SECRET), client_id="abc")
    config = WebexConfig.load({"credentials": creds})
    assert config.credentials.client_secret is not None
    assert config.credentials.client_secret.get_secret_value() == SECRET
    assert SECRET not in repr(config)
