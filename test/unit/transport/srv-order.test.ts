import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { orderSrv } from '../../../firmware/sip/resolve/srv-order.js';
import { seededRandom } from './support/seeded-random.js';

const rec = (name: string, priority: number, weight: number) => ({ name, priority, weight, port: 5060 });

test('lower priority values always come first, whatever the weights', () => {
  const random = seededRandom(7);
  for (let i = 0; i < 200; i++) {
    const out = orderSrv([rec('c', 30, 100), rec('a', 10, 1), rec('b', 20, 1000), rec('a2', 10, 5)], random);
    assert.equal(out.map((r) => r.priority), [10, 10, 20, 30]);
  }
});

test('within a priority, weights set the odds of going first (1:3 → about 25 % / 75 %)', () => {
  const random = seededRandom(12345);
  let heavyFirst = 0;
  const n = 4000;
  for (let i = 0; i < n; i++) {
    const out = orderSrv([rec('light', 1, 1), rec('heavy', 1, 3)], random);
    assert.is(out.length, 2);
    if (out[0]!.name === 'heavy') heavyFirst++;
  }
  const share = heavyFirst / n;
  assert.ok(share > 0.71 && share < 0.79, `heavy first in ${(share * 100).toFixed(1)} % of draws`);
});

test('the same seed gives the same order; a different seed can give another', () => {
  const records = [rec('a', 1, 10), rec('b', 1, 10), rec('c', 1, 10), rec('d', 1, 10)];
  const one = orderSrv(records, seededRandom(1)).map((r) => r.name).join('');
  const again = orderSrv(records, seededRandom(1)).map((r) => r.name).join('');
  assert.is(one, again);
  const seen = new Set<string>();
  for (let s = 0; s < 50; s++) seen.add(orderSrv(records, seededRandom(s)).map((r) => r.name).join(''));
  assert.ok(seen.size > 5, `only ${seen.size} distinct orders over 50 seeds`);
});

test('weight 0 records go first only when the draw is 0 (RFC 2782), and are never lost', () => {
  const zeroFirst = orderSrv([rec('w5', 1, 5), rec('w0', 1, 0)], () => 0);
  assert.is(zeroFirst[0]!.name, 'w0');
  const zeroLast = orderSrv([rec('w5', 1, 5), rec('w0', 1, 0)], () => 0.99);
  assert.equal(zeroLast.map((r) => r.name), ['w5', 'w0']);
  const allZero = orderSrv([rec('x', 1, 0), rec('y', 1, 0), rec('z', 1, 0)], () => 0.5);
  assert.equal(allZero.map((r) => r.name).sort(), ['x', 'y', 'z']);
});

test.run();
