// (a) The baseline: Express 5 with the bench routes and no session at all.
import express from 'express';
import { serve } from './serve.js';

const app = express();
app.disable('x-powered-by');
app.post('/login', (_req, res) => {
  res.status(201).send('ok');
});
app.get('/read', (_req, res) => {
  res.send('bench');
});
app.post('/write', (_req, res) => {
  res.send('1');
});
app.get('/counter', (_req, res) => {
  res.send('0');
});
serve(app);
