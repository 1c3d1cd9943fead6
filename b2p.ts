import { XsLive } from './test/device/xs-relay.ts';
import { findXsnap } from './test/helpers/engines.ts';
import { startXsPeers } from './test/device/xs-peers.ts';
const peers = await startXsPeers({ mosquitto: false });
await new Promise((r) => setTimeout(r, 300));
const { live } = await XsLive.start({ xsnap: findXsnap().path! });
for (let i = 0; i < 6; i++) {
  const a: any = await live.run('tls', { port: peers.sServer.port, verify: true, ca: peers.caPem });
  const b: any = await live.run('tls', { port: peers.sServer.port, verify: true, ca: peers.caPem, resume: true });
  console.log(a.ms.toFixed(1), b.ms.toFixed(1), b.resumed);
}
await live.close(); await peers.close();
