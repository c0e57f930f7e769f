/**
 * Tracetest's demo, Pokeshop, importing a Pokémon, as its documentation
 * describes the trace: the API answers POST /pokemon/import and queues a
 * message; the worker consumes it, asks PokéAPI and saves the Pokémon. Made
 * with the OpenTelemetry JS SDK, the queue hop propagated with W3C headers
 * (or not, for `broken: 'propagation'`).
 *
 * `cli-docs` names spans as docs/docs/cli/creating-tests.mdx does;
 * `live-docs` as docs/docs/live-examples/pokeshop/use-cases/import-pokemon.mdx.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { TraceSet } from '../../src/model/trace.js';
import { decodeSdk, inject, ms, sdkSystem, SpanKind, toOtlpJson } from './sdk.js';

export interface PokeshopOptions {
  names: 'cli-docs' | 'live-docs';
  /** propagation: the worker starts a trace of its own; pokeapi: PokéAPI answers 500. */
  broken?: 'propagation' | 'pokeapi';
}

export async function pokeshopImport({ names, broken }: PokeshopOptions): Promise<{ traces: TraceSet; text: string }> {
  const { svc, spans } = sdkSystem(['pokeshop-api', 'pokeshop-worker']);
  const api = svc['pokeshop-api']!;
  const worker = svc['pokeshop-worker']!;
  const cli = names === 'cli-docs';
  const payload = '{"id":52}';
  const request = api.start('POST /pokemon/import', { kind: SpanKind.SERVER, at: 0, attributes: { 'http.method': 'POST', 'http.status_code': 200, 'http.response.body': payload } });
  const send = api.start(cli ? 'send message to queue' : 'queue.synchronizePokemon send', {
    kind: SpanKind.PRODUCER,
    parent: request,
    at: 10,
    attributes: cli ? { 'messaging.system': 'rabbitmq', 'messaging.message.payload': payload } : { 'messaging.system': 'rabbitmq', 'messaging.destination': 'queue.synchronizePokemon', 'messaging.payload': payload },
  });
  send.end(ms(14));
  request.end(ms(40));
  const consume = worker.start(cli ? 'consume message from queue' : 'queue.synchronizePokemon receive', {
    kind: SpanKind.CONSUMER,
    ...(broken === 'propagation' ? {} : { remote: inject(send) }),
    at: 50,
    attributes: cli ? { 'messaging.system': 'rabbitmq', 'messaging.message.payload': payload } : { 'messaging.system': 'rabbitmq', 'messaging.destination': 'queue.synchronizePokemon' },
  });
  const lookup = worker.start('find pokemon', { kind: SpanKind.CLIENT, parent: consume, at: 55, attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT * FROM pokemon WHERE id = $1' } });
  lookup.end(ms(58));
  const status = broken === 'pokeapi' ? 500 : 200;
  const pokeapi = worker.start(cli ? 'import pokemon from pokeapi' : 'HTTP GET pokeapi.pokemon', {
    kind: SpanKind.CLIENT,
    parent: consume,
    at: 60,
    attributes: { 'http.method': 'GET', 'http.status_code': status, 'http.response.body': status === 200 ? '{"name":"meowth"}' : '{"error":"internal"}' },
  });
  if (status !== 200) pokeapi.setStatus({ code: SpanStatusCode.ERROR });
  pokeapi.end(ms(240));
  const save = worker.start(cli ? 'save pokemon on database' : 'create pokemon', { kind: SpanKind.CLIENT, parent: consume, at: 250, attributes: { 'db.system': 'postgresql', 'db.repository.operation': 'create', 'db.statement': 'INSERT INTO pokemon (id, name) VALUES ($1, $2)' } });
  save.end(ms(270));
  consume.end(ms(280));
  const text = toOtlpJson(await spans());
  return { traces: new TraceSet(decodeSdk(text)), text };
}
