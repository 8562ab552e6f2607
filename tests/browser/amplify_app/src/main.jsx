// A teacher's smallest Amplify app: Amplify UI's Authenticator, configured from the sandbox's
// amplify_outputs.json, served from its own origin (so every Cognito call is a real CORS request).
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Amplify } from 'aws-amplify';
import { fetchAuthSession } from 'aws-amplify/auth';
import { Authenticator } from '@aws-amplify/ui-react';
import '@aws-amplify/ui-react/styles.css';

// amplify_outputs.json has no key for a Cognito endpoint; Amplify JS v6 takes one in its own
// configuration (Auth.Cognito.userPoolEndpoint / identityPoolEndpoint), so the sandbox's URL
// (custom.amplify_nb.endpoint_url) goes there after Amplify has read the rest of the file.
function withSandboxEndpoints(outputs) {
  Amplify.configure(outputs);
  const endpoint = outputs.custom?.amplify_nb?.endpoint_url;
  if (!endpoint) return;
  const config = Amplify.getConfig();
  const cognito = { ...config.Auth.Cognito, userPoolEndpoint: endpoint, identityPoolEndpoint: endpoint };
  Amplify.configure({ ...config, Auth: { ...config.Auth, Cognito: cognito } });
}

// Signed in: who, and the identity pool's answer (fetchAuthSession calls GetId and
// GetCredentialsForIdentity), so the identity-pool endpoint is exercised from the page too.
function SignedIn({ user, signOut }) {
  const [identity, setIdentity] = useState('fetching AWS credentials…');
  useEffect(() => {
    fetchAuthSession().then(
      (session) => setIdentity(session.credentials ? session.identityId : 'no credentials'),
      (error) => setIdentity(`credentials failed: ${error.name}: ${error.message}`),
    );
  }, []);
  return (
    <main>
      <h1 data-testid="signed-in">Hello {user?.signInDetails?.loginId ?? user?.username}</h1>
      <p data-testid="identity-id">{identity}</p>
      <button type="button" onClick={signOut}>Sign out</button>
    </main>
  );
}

async function main() {
  const outputs = await (await fetch('./amplify_outputs.json')).json();
  withSandboxEndpoints(outputs);
  createRoot(document.getElementById('root')).render(
    <Authenticator>{({ signOut, user }) => <SignedIn user={user} signOut={signOut} />}</Authenticator>,
  );
}

main();
