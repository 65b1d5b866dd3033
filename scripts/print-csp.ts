/**
 * Prints the Content-Security-Policy headers for a static host, from the same deploy settings the build uses:
 *   TW_MODEL_HOSTS="https://huggingface.co https://*.hf.co" TW_FRAME_ANCESTORS="https://blog.example" npm run csp
 */
import { deployCspFromEnv, deployPolicies } from './csp-plugin';

const policies = deployPolicies(deployCspFromEnv());
console.log(`# / and /index.html (the app; never framed)\nContent-Security-Policy: ${policies.app}\n`);
console.log(
  `# /?embed (the widget; same document, so send this when the query has "embed")\nContent-Security-Policy: ${policies.embed}\n`,
);
console.log(`# /sw.js (the service worker script)\nContent-Security-Policy: ${policies.serviceWorker}\n`);
console.log('# every other file\nContent-Security-Policy: ' + policies.app);
