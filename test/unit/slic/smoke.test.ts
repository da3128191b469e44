import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initDriver, rig } from './support.js';

test('smoke', async () => {
  const r = rig();
  await initDriver(r);
  console.log(r.clock.now(), r.driver.currentState, r.model.linefeed, r.model.batteryVolts(), r.model.framingErrors, r.model.indirectCollisions);
  console.log(r.log.records.map((x) => `${x.level} ${x.msg} ${JSON.stringify(x.fields)}`).join('\n'));
  assert.is(r.driver.currentState, 'idle');
});
test.run();
