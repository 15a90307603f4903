// Meetings with the official JS SDK against the emulator: meeting info, Locus join/leave.
// Signalling only (no media): join() without media, then leave(). Needs the emulator's
// meeting-info (`webex-appapi-service`) and Locus services; it skips itself when they are
// not served yet. Run with WEBEX_U2C_URL and WEBEX_ACCESS_TOKEN set.
import { Report, control, emulatorEnv, initWebex, once, printEmulatorErrors } from './lib.mjs';

const env = emulatorEnv();
const report = new Report('official Webex JS SDK meetings against the emulator');
const onEmulator = (url) => typeof url === 'string' && url.startsWith(env.baseUrl);

const webex = initWebex(env);

async function isServed(service, resource) {
  // An authenticated POST with an empty body: a served route answers 400-ish, an
  // unknown one the emulator's 404 "does not implement".
  const url = `${webex.internal.services.get(service)}/${resource}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.accessToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const text = await response.text();
  return !(response.status === 404 && text.includes('does not implement'));
}

const ready = await report.step('Webex.init() + postauth catalog', async () => {
  if (!webex.ready) await once(webex, 'ready');
  await webex.internal.services.waitForCatalog('postauth', 10);
  return { summary: webex.internal.services.get('webex-appapi-service') };
});

const served = ready && (await isServed('webex-appapi-service', 'meetingInfo')) &&
  (await isServed('locus', 'loci/call'));
if (!served) {
  report.skip('meetings', 'the emulator does not serve meetingInfo and loci/call yet');
  process.exit(report.finish());
}
// Forget the probes, so that the error summary only lists what the SDK sent.
await fetch(`${env.baseUrl}/_emulator/requests`, { method: 'DELETE' });

await report.step('meetings.register()', async () => {
  await webex.meetings.register();
});

const scheduled = await report.step('schedule a meeting (POST {hydra}/meetings)', async () => {
  const start = new Date(Date.now() + 60_000);
  const end = new Date(start.getTime() + 30 * 60_000);
  const { body } = await webex.request({
    method: 'POST',
    service: 'hydra',
    resource: 'meetings',
    body: { title: 'JS SDK join check', start: start.toISOString(), end: end.toISOString() },
  });
  if (!body.sipAddress) throw new Error(`no sipAddress in ${JSON.stringify(body)}`);
  return { summary: `${body.sipAddress}, number ${body.meetingNumber}`, ...body };
});

async function createMeeting(destination, type) {
  const added = once(webex.meetings, 'meeting:added', 10000);
  const meeting = await webex.meetings.create(destination, type);
  const event = await added;
  if (event.type !== 'CREATED') throw new Error(`meeting:added type ${event.type}`);
  if (!meeting.permissionToken) {
    const lookups = await control(env.baseUrl, '/requests?method=POST&path=*/meetingInfo');
    throw new Error(
      `no meeting info (meetingInfoFailureReason ${meeting.meetingInfoFailureReason}; ` +
        `the emulator saw ${lookups?.items?.length ?? '?'} meetingInfo request(s) so far)`,
    );
  }
  return meeting;
}

let meeting;
if (scheduled) {
  meeting = await report.step('meetings.create(sipAddress)', async () => {
    // Note: for a SIP address whose domain has exactly three labels (<n>@<site>.webex.com)
    // the SDK asks https://<site>/wbxappapi/v1/meetingInfo directly, not the catalog.
    const created = await createMeeting(scheduled.sipAddress);
    return Object.assign(created, { summary: `sipUri ${created.sipUri}` });
  });
  if (!meeting) {
    meeting = await report.step(
      'meetings.create(meetingNumber, "MEETING_ID") (fallback, to reach join)',
      async () => {
        const created = await createMeeting(scheduled.meetingNumber, 'MEETING_ID');
        return Object.assign(created, { summary: `sipUri ${created.sipUri}` });
      },
      { required: false },
    );
  }
}

async function join(target) {
  await target.join();
  if (!onEmulator(target.locusUrl)) throw new Error(`locusUrl ${target.locusUrl}`);
  const self = target.members?.membersCollection?.get(target.members.selfId);
  if (!target.isJoined() || self?.status !== 'IN_MEETING') {
    throw new Error(`not joined: meetingState ${target.meetingState}, self ${self?.status}`);
  }
  return {
    summary: `locus ${target.locusUrl.split('/').pop()}, state ${target.meetingState}, self ${self.status}`,
  };
}

let joined = false;
if (meeting) {
  joined = Boolean(await report.step('meeting.join() without media', () => join(meeting)));
  const clusterUrl = meeting.meetingInfo?.locusClusterUrl;
  if (!joined && clusterUrl) {
    // Diagnostic only: the SDK joins at https://<locusClusterUrl>/locus/api/v1/loci/call
    // whatever the catalog says, so an http emulator must not send locusClusterUrl.
    joined = Boolean(
      await report.step(
        `meeting.join() again without meetingInfo.locusClusterUrl (${clusterUrl})`,
        () => {
          delete meeting.meetingInfo.locusClusterUrl;
          return join(meeting);
        },
        { required: false },
      ),
    );
  }
}

if (joined) {
  await report.step('meeting.leave()', async () => {
    await meeting.leave();
    if (meeting.isJoined()) throw new Error(`still joined, state ${meeting.meetingState}`);
    return { summary: `state ${meeting.meetingState}` };
  });
}

await report.step('meetings.unregister()', async () => {
  await webex.meetings.unregister();
});

await printEmulatorErrors(env.baseUrl);
process.exit(report.finish());
