"""The ``meetings`` section of the config, plus the base model and value types all sections share.

Every model here is frozen, rejects unknown keys, and accepts each field under its
snake_case name or its JS camelCase key. Section defaults match
``packages/@webex/plugin-meetings/src/config.ts`` in the JS SDK. Durations named
``*_timeout``/``*_interval`` in this section are milliseconds, as in JS.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

__all__ = [
    "BandwidthConfig",
    "ConfigSection",
    "Count",
    "DegradationPreferencesConfig",
    "ExperimentalConfig",
    "Integer",
    "LoggingConfig",
    "MediaSettingsConfig",
    "MeetingsConfig",
    "MeetingsMetricsConfig",
    "Milliseconds",
    "Number",
    "ReconnectionConfig",
    "ResolutionConfig",
    "ScreenResolutionConfig",
    "Seconds",
    "StatsConfig",
]


def _reject_bool_for_int(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


def _reject_bool_for_float(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("float_type", "Input should be a valid number")
    return value


Integer = Annotated[int, BeforeValidator(_reject_bool_for_int)]
"""An int; ``True``/``False`` and floats with a fraction are refused."""
Count = Annotated[int, BeforeValidator(_reject_bool_for_int), Field(ge=0)]
"""A non-negative int (a count, a size, a limit)."""
Milliseconds = Count
"""A non-negative duration in milliseconds, as the JS SDK counts time."""
Number = Annotated[float, BeforeValidator(_reject_bool_for_float)]
"""A float; ints are accepted, booleans are not."""
Seconds = Annotated[float, BeforeValidator(_reject_bool_for_float), Field(ge=0)]
"""A non-negative duration in seconds (the unit of the Python-only settings)."""


class ConfigSection(BaseModel):
    """Base of every config model: frozen, strict about keys, JS camelCase aliases."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        # Validators are built on first use (Webex.init), not at import.
        defer_build=True,
        # Field docs stay as attribute docstrings for readers and the API reference;
        # pydantic's runtime extraction of them costs ~100 ms at import, so it is off.
    )


class MediaSettingsConfig(ConfigSection):
    """``meetings.mediaSettings``."""

    pstn: StrictBool = False
    """Enable a PSTN connection in the meeting. Mirrors JS ``mediaSettings.pstn``."""


class ReconnectionConfig(ConfigSection):
    """``meetings.reconnection``: automatic media reconnection."""

    enabled: StrictBool = False
    """Reconnect media automatically; off by default, as in JS. Mirrors JS
    ``reconnection.enabled``."""
    auto_rejoin: StrictBool = True
    """Rejoin when dropped from the meeting (also after an inactivity drop) instead of
    reporting ``meeting:self:left``. Mirrors JS ``reconnection.autoRejoin``."""
    detection: StrictBool = True
    """Detect lost connections. Mirrors JS ``reconnection.detection``."""
    ice_reconnection_timeout: Milliseconds = 10000
    """Milliseconds to wait for ICE to recover after a disconnect. Mirrors JS
    ``reconnection.iceReconnectionTimeout``."""
    max_rejoin_attempts: Count = 3
    """Rejoin attempts during one reconnection. Mirrors JS
    ``reconnection.maxRejoinAttempts``."""


class StatsConfig(ConfigSection):
    """``meetings.stats``: the local media-statistics analyzer."""

    enable_stats_analyzer: StrictBool = True
    """Run the analyzer that reports quality degradation. Mirrors JS
    ``stats.enableStatsAnalyzer``."""
    auto_downgrade_enabled: StrictBool = False
    """Lower video quality automatically on bad networks. Mirrors JS
    ``stats.autoDowngradeEnabled``."""
    interval: Milliseconds = 1000
    """Milliseconds between stats samples. Mirrors JS ``stats.interval``."""
    analyzer_interval: Milliseconds = 5000
    """Milliseconds between analyses. Mirrors JS ``stats.analyzerInterval``."""
    history_max: Count = 120
    """Samples kept. Mirrors JS ``stats.historyMax``."""
    video_packet_loss_ratio_threshold: Number = 9
    """Packet-loss ratio that triggers a video downgrade. Mirrors JS
    ``stats.videoPacketLossRatioThreshold``."""
    rtt_threshold: Milliseconds = 500
    """Round-trip time (ms) considered degraded. Mirrors JS ``stats.rttThreshold``."""
    jitter_threshold: Milliseconds = 500
    """Jitter (ms) considered degraded. Mirrors JS ``stats.jitterThreshold``."""


class MeetingsMetricsConfig(ConfigSection):
    """``meetings.metrics``: identity and cadence of meeting telemetry."""

    client_name: str = "WEBEX_JS_SDK"
    """Client name in metrics payloads. Mirrors JS ``metrics.clientName``."""
    client_type: str = "WEBEX_SDK"
    """Client type in metrics payloads. Mirrors JS ``metrics.clientType``."""
    sub_client_type: str = "WEB_APP"
    """Sub-client type in metrics payloads. Mirrors JS ``metrics.subClientType``."""
    mqa_metrics_interval: Milliseconds = 60000
    """Milliseconds between media-quality (MQA) reports. Mirrors JS
    ``metrics.mqaMetricsInterval``."""
    auto_send_mqa: StrictBool = Field(default=True, alias="autoSendMQA")
    """Send MQA reports to the ``metrics`` service. Mirrors JS ``metrics.autoSendMQA``."""


class LoggingConfig(ConfigSection):
    """``meetings.logging``."""

    enable: StrictBool = True
    """Log meeting events. Mirrors JS ``logging.enable``."""
    verbose_events: StrictBool = True
    """Log events verbosely. Mirrors JS ``logging.verboseEvents``."""


class ResolutionConfig(ConfigSection):
    """``meetings.resolution``: camera capture constraints, in pixels."""

    max_width: Count = 1280
    """Largest capture width. Mirrors JS ``resolution.maxWidth``."""
    max_height: Count = 720
    """Largest capture height. Mirrors JS ``resolution.maxHeight``."""
    ideal_width: Count = 1280
    """Preferred capture width. Mirrors JS ``resolution.idealWidth``."""
    ideal_height: Count = 720
    """Preferred capture height. Mirrors JS ``resolution.idealHeight``."""


class ScreenResolutionConfig(ResolutionConfig):
    """``meetings.screenResolution``: screen-share constraints (1920x1080 by default)."""

    max_width: Count = 1920
    """Largest share width. Mirrors JS ``screenResolution.maxWidth``."""
    max_height: Count = 1080
    """Largest share height. Mirrors JS ``screenResolution.maxHeight``."""
    ideal_width: Count = 1920
    """Preferred share width. Mirrors JS ``screenResolution.idealWidth``."""
    ideal_height: Count = 1080
    """Preferred share height. Mirrors JS ``screenResolution.idealHeight``."""


class BandwidthConfig(ConfigSection):
    """``meetings.bandwidth``: send bitrates written into the SDP, in bits per second."""

    audio: Count = 64000
    """Maximum audio bitrate. Mirrors JS ``bandwidth.audio``."""
    video: Count = 4000000
    """Maximum video bitrate, whatever the resolution. Mirrors JS ``bandwidth.video``."""
    start_bitrate: Count = 2000
    """Starting bitrate of the media connection. Mirrors JS ``bandwidth.startBitrate``."""


class ExperimentalConfig(ConfigSection):
    """``meetings.experimental``: feature switches."""

    enable_media_negotiated_event: StrictBool = False
    """Emit ``media:negotiated`` once media is negotiated. Mirrors JS
    ``experimental.enableMediaNegotiatedEvent``."""
    enable_unified_meetings: StrictBool = True
    """Look meetings up through meeting-info V2 (wbxappapi); ``False`` uses the legacy
    Locus lookup. Mirrors JS ``experimental.enableUnifiedMeetings``."""
    enable_adhoc_meetings: StrictBool = True
    """Start an instant space meeting for a conversation-URL destination. Mirrors JS
    ``experimental.enableAdhocMeetings``."""
    enable_tcp_reachability: StrictBool = False
    """Also probe media clusters over TCP. Mirrors JS
    ``experimental.enableTcpReachability``."""
    enable_tls_reachability: StrictBool = False
    """Also probe media clusters over TLS. Mirrors JS
    ``experimental.enableTlsReachability``."""
    enable_turn_discovery: StrictBool | None = None
    """Accepted for old configs only; it has no effect (TURN discovery always runs when
    needed). Mirrors the removed JS key ``experimental.enableTurnDiscovery``."""


class DegradationPreferencesConfig(ConfigSection):
    """``meetings.degradationPreferences``."""

    max_macroblocks_limit: Count = 8192
    """Most macroblocks a multistream receive request may ask for. Mirrors JS
    ``degradationPreferences.maxMacroblocksLimit``."""


class MeetingsConfig(ConfigSection):
    """``meetings``: the Meetings plugin settings."""

    device_type: str = "WEB"
    """``device.deviceType`` sent in every Locus body. Mirrors JS ``meetings.deviceType``."""
    media_settings: MediaSettingsConfig = Field(default_factory=MediaSettingsConfig)
    """Media settings. Mirrors JS ``meetings.mediaSettings``."""
    reconnection: ReconnectionConfig = Field(default_factory=ReconnectionConfig)
    """Reconnection settings. Mirrors JS ``meetings.reconnection``."""
    stats: StatsConfig = Field(default_factory=StatsConfig)
    """Local stats analyzer. Mirrors JS ``meetings.stats``."""
    metrics: MeetingsMetricsConfig = Field(default_factory=MeetingsMetricsConfig)
    """Telemetry identity and cadence. Mirrors JS ``meetings.metrics``."""
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    """Event logging. Mirrors JS ``meetings.logging``."""
    resolution: ResolutionConfig = Field(default_factory=ResolutionConfig)
    """Camera constraints. Mirrors JS ``meetings.resolution``."""
    screen_resolution: ScreenResolutionConfig = Field(default_factory=ScreenResolutionConfig)
    """Screen-share constraints. Mirrors JS ``meetings.screenResolution``."""
    bandwidth: BandwidthConfig = Field(default_factory=BandwidthConfig)
    """SDP bandwidth limits. Mirrors JS ``meetings.bandwidth``."""
    screen_frame_rate: Count = 10
    """Screen capture frame rate. Mirrors JS ``meetings.screenFrameRate``."""
    video_share_frame_rate: Count = 30
    """Frame rate of a shared video. Mirrors JS ``meetings.videoShareFrameRate``."""
    aspect_ratio: Number = 1.7695852534562213
    """Video aspect ratio. Mirrors JS ``meetings.aspectRatio``."""
    auto_upload_logs: StrictBool = True
    """Upload SDK logs (``clientLogs`` service) after a leave, end or failed join.
    Mirrors JS ``meetings.autoUploadLogs``."""
    enable_rtx: StrictBool = True
    """Keep RTP retransmission (RTX) in the SDP. Mirrors JS ``meetings.enableRtx``."""
    receive_transcription: StrictBool = False
    """Accepted for compatibility; the JS SDK never reads it (use
    ``enable_automatic_llm``). Mirrors JS ``meetings.receiveTranscription``."""
    enable_extmap: StrictBool = Field(
        default=False,
        alias="enableExtmap",
        validation_alias=AliasChoices("enableExtmap", "enableExtMap", "enable_extmap"),
    )
    """Keep RTP header extensions (extmap) in the SDP. Mirrors JS ``meetings.enableExtmap``;
    the documented spelling ``enableExtMap`` is accepted too."""
    enable_automatic_llm: StrictBool = Field(default=False, alias="enableAutomaticLLM")
    """Open the LLM data channel after join (captions, reactions, breakouts). Mirrors JS
    ``meetings.enableAutomaticLLM``."""
    installed_org_id: str | None = Field(default=None, alias="installedOrgID")
    """Org id sent as ``installedOrgID`` in meeting-info requests. Mirrors JS
    ``meetings.installedOrgID``."""
    disable_hydra_id: StrictBool | None = None
    """Skip Hydra-id detection of destinations in ``create()``; unset means off. Mirrors
    JS ``meetings.disableHydraId``."""
    experimental: ExperimentalConfig = Field(default_factory=ExperimentalConfig)
    """Feature switches. Mirrors JS ``meetings.experimental``."""
    degradation_preferences: DegradationPreferencesConfig = Field(
        default_factory=DegradationPreferencesConfig
    )
    """Degradation limits. Mirrors JS ``meetings.degradationPreferences``."""
    ice_candidates_gathering_timeout: Milliseconds | None = None
    """Milliseconds to wait for ICE gathering (non-multistream only); unset means the
    built-in wait. Mirrors JS ``meetings.iceCandidatesGatheringTimeout``."""
    backend_ipv6_native_support: StrictBool = False
    """Tell the media backend the client has native IPv6. Mirrors JS
    ``meetings.backendIpv6NativeSupport``."""
    enable_reachability_checks: StrictBool = True
    """Probe media clusters before joining. Mirrors JS ``meetings.enableReachabilityChecks``."""
    reachability_get_cluster_timeout: Milliseconds = 5000
    """Milliseconds to wait for the cluster list. Mirrors JS
    ``meetings.reachabilityGetClusterTimeout``."""
    log_upload_interval_multiplication_factor: Number = 0
    """Periodic log upload factor; 0 turns periodic uploads off. Mirrors JS
    ``meetings.logUploadIntervalMultiplicationFactor``."""
    stop_ice_gathering_after_first_relay_candidate: StrictBool = False
    """Stop ICE gathering at the first relay candidate. Mirrors JS
    ``meetings.stopIceGatheringAfterFirstRelayCandidate``."""

    @field_validator("screen_resolution", mode="before")
    @classmethod
    def _screen_from_resolution(cls, value: Any) -> Any:
        """Accept a plain ``ResolutionConfig``; unset sizes keep the 1920x1080 defaults."""
        if isinstance(value, ResolutionConfig) and not isinstance(value, ScreenResolutionConfig):
            return value.model_dump(include=set(value.model_fields_set))
        return value
