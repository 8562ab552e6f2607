// aws-amplify v6 (the app's pinned version, from ../node_modules) driving the amplify_nb sandbox from
// node, as an independent client: tests/integration/test_amplify_js_node.py runs it and checks both what
// Amplify concluded and what the sandbox answered.
//
// Line protocol (stdout -> test, stdin <- test), one JSON document per line after a tag:
//   stdin  first line   {"plain": outputs, "rotating": outputs, "newUser": {...}, "rotatingUser": {...}}
//   NEED {"sandbox", "kind", "to"}  the test answers with the one-time code that sandbox sent (its outbox)
//   FLOW {"name", ...}   one flow is over; the test marks the sandbox's calls so far, then answers "next"
//   RESULT {...}         every flow's outcome; the last line
// Nothing secret is ever printed: no code, password or token, only steps, error names and comparisons.
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Amplify } from 'aws-amplify';
import {
  confirmSignIn, confirmSignUp, fetchAuthSession, fetchDevices, fetchUserAttributes, forgetDevice,
  rememberDevice, signIn, signOut, signUp,
} from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { Hub } from 'aws-amplify/utils';

// Amplify names a device it confirms after navigator.userAgent (getDeviceName); node 20 has no navigator
// (node 21 added one), so Amplify's ConfirmDevice would throw before any call, silently, and leave a device
// that Cognito never saw confirmed (whose refresh tokens Cognito then refuses). Give it node 21's.
if (globalThis.navigator === undefined) {
  globalThis.navigator = { userAgent: `Node.js/${process.versions.node.split('.')[0]}` };
}

// ---- the line protocol ------------------------------------------------------------------------------
const waiting = [];
const arrived = [];
const input = createInterface({ input: process.stdin });
input.on('line', (line) => (waiting.length ? waiting.shift()(line) : arrived.push(line)));
input.on('close', () => waiting.splice(0).forEach((resolve) => resolve(null)));
const nextLine = () => (arrived.length ? Promise.resolve(arrived.shift()) : new Promise((r) => waiting.push(r)));

// Resolves once the line is handed to the OS, so that exiting right after the last one cannot lose it.
function say(tag, body) {
  return new Promise((resolve) => process.stdout.write(`${tag} ${JSON.stringify(body)}\n`, resolve));
}

async function ask(tag, body) {
  await say(tag, body);
  const answer = await nextLine();
  if (answer === null) throw new Error(`stdin closed while waiting for an answer to ${tag}`);
  return answer.trim();
}

let sandbox = null;  // which of the test's sandboxes Amplify is configured for: "plain" or "rotating"
const codeFor = (kind, to) => ask('NEED', { sandbox, kind, to });

// ---- storage the test can look into --------------------------------------------------------------------
// Node has no localStorage (Amplify would fall back to its own in-memory store); this one is ours so that
// a copy of the session can be kept and put back: the copy another device or tab still holds after a
// global sign-out, a rotation or forgetting the device.
class MemoryStorage {
  constructor() { this.items = new Map(); }
  async setItem(key, value) { this.items.set(key, value); }
  async getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  async removeItem(key) { this.items.delete(key); }
  async clear() { this.items.clear(); }
  snapshot() { return new Map(this.items); }
  restore(copy) { this.items = new Map(copy); }
  // Amplify's keys end with the item's name (CognitoIdentityServiceProvider.<client>.<user>.accessToken).
  value(suffix) {
    const key = [...this.items.keys()].find((k) => k.endsWith(suffix));
    return key === undefined ? null : this.items.get(key);
  }
  // Stored values compared by digest, so that no token needs to leave this process.
  digest(suffix) {
    const value = this.value(suffix);
    return value === null ? null : createHash('sha256').update(value).digest('hex');
  }
  deviceKey() { return this.value('.deviceKey'); }
}
const storage = new MemoryStorage();

// Amplify reports refresh failures on the Hub (fetchAuthSession itself answers "no tokens" for some).
const hubEvents = [];
Hub.listen('auth', ({ payload }) => {
  if (payload.event.startsWith('tokenRefresh')) {
    hubEvents.push({ event: payload.event, error: payload.data?.error?.name });
  }
});

// amplify_outputs.json has no key for a Cognito endpoint; Amplify JS v6 takes one in its own configuration
// (Auth.Cognito.userPoolEndpoint / identityPoolEndpoint), exactly as the browser app does (src/main.jsx).
function configure(name, outputs) {
  sandbox = name;
  Amplify.configure(outputs);
  const endpoint = outputs.custom.amplify_nb.endpoint_url;
  const config = Amplify.getConfig();
  const cognito = { ...config.Auth.Cognito, userPoolEndpoint: endpoint, identityPoolEndpoint: endpoint };
  Amplify.configure({ ...config, Auth: { ...config.Auth, Cognito: cognito } });
  // After configure: Amplify.configure without libraryOptions puts its default storage back each time.
  cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
}

const failure = (error) => ({ error: error?.name ?? String(error), message: error?.message });

async function attempt(action) {
  try {
    return { value: await action() };
  } catch (error) {
    return failure(error);
  }
}

// What the token store holds now: digests, and the access token's subject (read here, never printed).
// Read from storage rather than fetchAuthSession, which would call the identity pool for every look.
async function tokenState() {
  const access = storage.value('.accessToken');
  return {
    signedIn: access !== null,
    access: storage.digest('.accessToken'),
    refresh: storage.digest('.refreshToken'),
    sub: access === null ? null : JSON.parse(Buffer.from(access.split('.')[1], 'base64url')).sub,
  };
}

const signedIn = async () => (await tokenState()).signedIn;

async function forcedRefresh() {
  const before = await tokenState();
  const hubBefore = hubEvents.length;
  const refreshed = await attempt(() => fetchAuthSession({ forceRefresh: true }));
  const after = await tokenState();
  return {
    ...(refreshed.error ? { error: refreshed.error, message: refreshed.message } : {}),
    returnedTokens: refreshed.value?.tokens !== undefined,
    signedInAfter: after.signedIn,
    accessChanged: before.access !== null && after.access !== null && before.access !== after.access,
    refreshChanged: before.refresh !== null && after.refresh !== null && before.refresh !== after.refresh,
    sameUser: before.sub !== null && before.sub === after.sub,
    hub: hubEvents.slice(hubBefore),
  };
}

async function srpSignIn(username, password) {
  const result = await signIn({ username, password, options: { authFlowType: 'USER_SRP_AUTH' } });
  return result.nextStep.signInStep;
}

// ---- the flows ------------------------------------------------------------------------------------------
const results = {};
async function flow(name, run) {
  let outcome;
  try {
    outcome = await run();
  } catch (error) {
    outcome = { unexpected: failure(error) };
  }
  results[name] = outcome;
  await ask('FLOW', { name });
}

async function main() {
  const setup = JSON.parse(await nextLine());
  const { email, password } = setup.newUser;

  configure('plain', setup.plain);

  await flow('sign_up', async () => {
    const started = await signUp({ username: email, password, options: { userAttributes: { email } } });
    const code = await codeFor('SignUp', email);
    const confirmed = await confirmSignUp({ username: email, confirmationCode: code });
    return {
      step: started.nextStep.signUpStep,
      medium: started.nextStep.codeDeliveryDetails?.deliveryMedium,
      complete: confirmed.isSignUpComplete,
      confirmedStep: confirmed.nextStep.signUpStep,
    };
  });

  await flow('srp_wrong_password', async () => {
    const refused = await attempt(() => srpSignIn(email, `${password}-wrong`));
    return { ...refused, signedIn: await signedIn() };
  });

  await flow('srp_sign_in', async () => ({
    step: await srpSignIn(email, password),
    signedIn: await signedIn(),
    deviceKeyStored: storage.deviceKey() !== null,
  }));

  await flow('refresh_not_rotating', forcedRefresh);

  // The pool remembers a device only when the user says so (user_opt_in): listed, then remembered.
  await flow('remember_and_fetch_devices', async () => {
    const current = async () => {
      const devices = await fetchDevices();
      const mine = devices.find((device) => device.id === storage.deviceKey());
      return {
        count: devices.length,
        listed: mine !== undefined,
        status: mine?.attributes?.['dev:device_remembered_status'] ?? null,
        named: Boolean(mine?.name),
      };
    };
    const before = await current();
    await rememberDevice();
    return { before, after: await current() };
  });

  // A remembered device signs in again with device SRP (DEVICE_SRP_AUTH) on top of the password.
  await flow('sign_in_on_remembered_device', async () => {
    const deviceKey = storage.deviceKey();
    await signOut();
    const step = await srpSignIn(email, password);
    return { step, sameDevice: deviceKey !== null && storage.deviceKey() === deviceKey };
  });

  // Forgetting a device ends its sessions: a copy of this one (a lost laptop's) can no longer refresh.
  await flow('forget_device', async () => {
    const lostCopy = storage.snapshot();
    await forgetDevice();
    const devices = await fetchDevices();
    const forgotten = { count: devices.length, deviceKeyStored: storage.deviceKey() !== null };
    storage.restore(lostCopy);
    return { ...forgotten, lostCopyRefresh: await forcedRefresh() };
  });

  await flow('user_auth_email_otp', async () => {
    await signOut();
    const started = await signIn({
      username: email, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'EMAIL_OTP' },
    });
    const outcome = {
      step: started.nextStep.signInStep,
      medium: started.nextStep.codeDeliveryDetails?.deliveryMedium ?? null,
    };
    if (outcome.step !== 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE') return outcome;
    const code = await codeFor('Authentication', email);
    const confirmed = await confirmSignIn({ challengeResponse: code });
    return { ...outcome, confirmedStep: confirmed.nextStep.signInStep, signedIn: await signedIn() };
  });

  await flow('global_sign_out', async () => {
    const elsewhere = storage.snapshot();  // the session a second device of this user still holds
    await signOut({ global: true });
    const signedOutHere = !(await signedIn());
    storage.restore(elsewhere);
    const attributes = await attempt(() => fetchUserAttributes());
    return {
      signedOutHere,
      accessTokenUse: attributes.error ? attributes : { error: null },
      refresh: await forcedRefresh(),
    };
  });
  await signOut();

  configure('rotating', setup.rotating);
  const rotatingUser = setup.rotatingUser;

  await flow('rotating_sign_in', async () => ({
    step: await srpSignIn(rotatingUser.email, rotatingUser.password),
    signedIn: await signedIn(),
  }));

  await flow('refresh_rotating', async () => {
    const first = storage.snapshot();
    const once = await forcedRefresh();
    const twice = await forcedRefresh();  // with the refresh token the first rotation stored
    storage.restore(first);  // the replaced token, as a tab that missed the rotation still has it
    const replaced = await forcedRefresh();
    return { once, twice, replaced };
  });
  await signOut();

  await say('RESULT', results);
}

main().then(
  () => process.exit(0),
  async (error) => {
    await say('RESULT', { ...results, fatal: failure(error) });
    process.exit(1);
  },
);
