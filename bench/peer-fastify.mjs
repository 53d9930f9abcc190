// The peer for start-up and HTTP figures: a bare Fastify server, no framework on top.
import Fastify from 'fastify';

const app = Fastify();
app.get('/health/ready', async () => ({ status: 'ok' }));
// Same shape as an assignment answer, constant: the ceiling for any JSON route on this machine.
app.get('/assign', async (request) => ({
  unit: request.query.unit,
  variant: 'control',
  version: '1.0.0',
  inExperiment: true,
  sticky: true,
}));
// The peer of serving's predict: parses the same JSON body, answers a constant prediction of the same shape.
app.post('/predict', async (request) => ({
  model: 'peer',
  version: '1.0.0',
  predictions: request.body.instances.map(() => 1),
  predictionIds: request.body.instances.map(() => '00000000-0000-4000-8000-000000000000'),
}));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
