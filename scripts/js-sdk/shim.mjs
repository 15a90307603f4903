// Minimal browser globals so the official SDK runs in Node. Imported before `webex`.
//
// Why: the `webex` bundle assumes a browser in a few places that meetings.register() and
// device registration reach:
//   * @webex/internal-media-core reads `window.navigator.userAgent` when it is loaded;
//   * Meetings' H.264 probe calls `new window.RTCPeerConnection().createOffer()`;
//   * the device plugin's IP-version detector gathers ICE candidates from a
//     `RTCPeerConnection` after registration and crashes the process without one;
//   * reachability probes media clusters with `RTCPeerConnection`.
// None of this traffic reaches the cloud, so a fake peer connection that "gathers" one
// IPv4 host candidate is enough. Real media (join with media) is out of scope in Node.

const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

const FAKE_SDP = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=video 9 UDP/TLS/RTP/SAVPF 102',
  'c=IN IP4 0.0.0.0',
  'a=rtpmap:102 H264/90000',
  '',
].join('\r\n');

class FakeRTCPeerConnection extends EventTarget {
  constructor(config) {
    super();
    this.config = config;
    this.iceGatheringState = 'new';
    this.iceConnectionState = 'new';
    this.connectionState = 'new';
    this.signalingState = 'stable';
    this.localDescription = null;
    this.onicecandidate = null;
    this.onicegatheringstatechange = null;
  }

  // webrtc-adapter (loaded by the SDK) wraps createOffer() and calls these.
  getTransceivers() {
    return [];
  }

  getSenders() {
    return [];
  }

  getReceivers() {
    return [];
  }

  addTransceiver(kind) {
    return { kind, direction: 'sendrecv', stop() {} };
  }

  createDataChannel(label) {
    return { label, close() {} };
  }

  async createOffer() {
    return { type: 'offer', sdp: FAKE_SDP };
  }

  async setLocalDescription(description) {
    this.localDescription = description;
    setTimeout(() => this.#gather(), 0);
  }

  #gather() {
    if (this.iceGatheringState === 'closed') return;
    const candidate = {
      address: '127.0.0.1',
      candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
      type: 'host',
      protocol: 'udp',
      port: 50000,
    };
    this.#emit('icecandidate', { candidate });
    this.#emit('icecandidate', { candidate: null });
    this.iceGatheringState = 'complete';
    this.#emit('icegatheringstatechange', {});
  }

  #emit(type, fields) {
    const event = Object.assign(new Event(type), fields);
    this[`on${type}`]?.(event);
    this.dispatchEvent(event);
  }

  close() {
    this.iceGatheringState = 'closed';
    this.connectionState = 'closed';
  }
}

globalThis.window ??= globalThis;
globalThis.navigator ??= { userAgent: USER_AGENT };
globalThis.RTCPeerConnection ??= FakeRTCPeerConnection;
// Metrics read `window.location.hostname` whenever `window` exists.
globalThis.location ??= { hostname: 'localhost', href: 'http://localhost/', protocol: 'http:' };

// A browser only logs an unhandled promise rejection; Node would exit. Some plugins fire
// and forget work that needs services the emulator does not provide (the calendar plugin
// pre-fetches a KMS key on `ready`, and KMS needs the `encryption` service), so keep
// them as warnings, like a browser console would.
export const unhandledRejections = [];
process.on('unhandledRejection', (reason) => {
  unhandledRejections.push(reason);
  console.warn(`[shim] unhandled rejection (a browser would only log it): ${reason?.message ?? reason}`);
});
