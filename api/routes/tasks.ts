import { callerOf, defineRoute } from '../route';
import {
  task,
  taskAssignmentBody,
  taskCompletionBody,
  taskListQuery,
  taskPage,
  taskPath,
} from '../schemas/tasks';
import { assignTask, completeTask, listTasks } from '../task-inbox';

const staff = { roles: ['bookkeeper', 'manager'] } as const;

export const taskRoutes = [
  defineRoute({
    method: 'get',
    path: '/tasks',
    operationId: 'listTasks',
    tag: 'tasks',
    summary: 'The task inbox',
    description:
      'Tasks by role, status (open unless given) and assignee, oldest first; each carries its call script.',
    access: staff,
    query: taskListQuery,
    responses: [{ status: 200, description: 'One page of tasks.', schema: taskPage }],
    problems: [],
    async handle({ query }, { db }) {
      return { status: 200, body: await listTasks(db, query) };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/tasks/:taskId/assignment',
    operationId: 'assignTask',
    tag: 'tasks',
    summary: 'Assign a task',
    description: 'A bookkeeper assigns bookkeeper tasks; a manager assigns any.',
    access: staff,
    params: taskPath,
    body: taskAssignmentBody,
    responses: [{ status: 200, description: 'The task.', schema: task }],
    problems: ['not-found', 'task-conflict'],
    async handle(input, { db }) {
      return {
        status: 200,
        body: await assignTask(db, callerOf(input), input.params.taskId, input.body.assignee),
      };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/tasks/:taskId/completion',
    operationId: 'completeTask',
    tag: 'tasks',
    summary: 'Complete a task',
    description:
      'Records the outcome and feeds it back to the invoice\'s workflow (a reached customer resets the "no response" clock). ' +
      'Completing again with the same outcome is harmless.',
    access: staff,
    params: taskPath,
    body: taskCompletionBody,
    responses: [{ status: 200, description: 'The completed task.', schema: task }],
    problems: ['not-found', 'task-conflict'],
    async handle(input, { db, invoices }) {
      return {
        status: 200,
        body: await completeTask(db, invoices, callerOf(input), input.params.taskId, input.body),
      };
    },
  }),
];
