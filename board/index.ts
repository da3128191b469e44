import { LocalError } from '../firmware/core/errors.js';
import { rpiAg1171Board } from './rpi-ag1171.js';
import { rpiSi3215Board } from './rpi-si3215.js';
import { simBoard } from './sim.js';
import type { BoardDefinition } from './types.js';

/** Every known board, by name. */
export const BOARDS: Readonly<Record<string, BoardDefinition>> = Object.freeze({
  [simBoard.name]: simBoard,
  [rpiAg1171Board.name]: rpiAg1171Board,
  [rpiSi3215Board.name]: rpiSi3215Board,
});

/** The board called `name` (a fresh copy: callers may not change the shared definition). */
export function getBoard(name: string): BoardDefinition {
  const board = Object.prototype.hasOwnProperty.call(BOARDS, name) ? BOARDS[name] : undefined;
  if (!board) {
    const known = Object.keys(BOARDS).join(', ');
    throw new LocalError('unknown-board', `unknown board '${name}'; known boards: ${known}`, { context: { name, known: Object.keys(BOARDS) } });
  }
  return structuredClone(board);
}
