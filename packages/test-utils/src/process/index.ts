/** Bots and other programs as real processes: spawn, read their JSON log, stop, clean up. */
export {
  REPO_ROOT,
  spawnBot,
  spawnCommand,
  startBot,
  untilRunning,
  type BotProcess,
  type LogEntry,
  type LogMatch,
  type ProcessExit,
  type RunningBot,
  type SpawnOptions,
  type StartBotOptions,
} from './spawn-bot.js';
export { groupAlive, groupGoneWithin, killGroup } from './process-group.js';
export { killSpawnedProcesses, liveProcessCount } from './children.js';
