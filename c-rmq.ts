import { startRabbitmq } from './test/helpers/rabbitmq.js';
const t0 = Date.now();
const r = await startRabbitmq();
console.log('started in', r.startMs, 'ms');
const t1 = Date.now();
await r.dispose();
console.log('stopped in', Date.now() - t1, 'ms');
console.log(r.log().slice(-1500));
