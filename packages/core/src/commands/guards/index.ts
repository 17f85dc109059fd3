export { defaultGuards } from './order.js';
