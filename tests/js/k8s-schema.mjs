// k8s-schema.mjs: checks built-in Kubernetes objects against the Kubernetes OpenAPI definitions, driven by the .NET
// API test server (tests/Daalu.KubeApiServer/OpenApiSchemaChecker.cs). The schemas are those of the npm package
// kubernetes-models (generated from the Kubernetes OpenAPI spec, validated with ajv): field types, required fields,
// enums and formats of every built-in kind. Unknown fields are not errors there, as the API server prunes them.
//
// Protocol: JSON lines over stdin/stdout, one request per line, one response per line, in order.
//   request:  {"id": 1, "object": {"apiVersion": "apps/v1", "kind": "Deployment", ...}}
//   response: {"id": 1, "errors": [{"path": "/spec/selector", "message": "must have required property 'selector'"}]}
//             {"id": 1, "unknownKind": true}   when kubernetes-models has no model for apiVersion/kind
//             {"id": 1, "error": "message"}    when the request itself could not be handled
import { createInterface } from 'node:readline'

const models = new Map()

async function modelFor (apiVersion, kind) {
  const key = `${apiVersion}/${kind}`
  if (!models.has(key)) {
    // Core kinds live under kubernetes-models/v1/<Kind>, the others under kubernetes-models/<group>/<version>/<Kind>.
    const path = `kubernetes-models/${apiVersion}/${kind}`
    let model = null
    try {
      model = (await import(path))[kind] ?? null
    } catch {
      model = null
    }
    models.set(key, model)
  }
  return models.get(key)
}

async function handle (line) {
  let id = null
  try {
    const req = JSON.parse(line)
    id = req.id ?? null
    const obj = req.object ?? {}
    const Model = await modelFor(obj.apiVersion, obj.kind)
    if (!Model) return { id, unknownKind: true }
    try {
      new Model(obj).validate()
      return { id, errors: [] }
    } catch (e) {
      const errors = Array.isArray(e.errors)
        ? e.errors.map(x => ({ path: x.instancePath ?? '', message: x.message ?? String(x) }))
        : [{ path: '', message: String(e && e.message ? e.message : e) }]
      return { id, errors }
    }
  } catch (e) {
    return { id, error: String(e && e.message ? e.message : e) }
  }
}

// Requests are answered strictly in order: each waits for the one before it.
let chain = Promise.resolve()
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity })
rl.on('line', (line) => {
  if (line.trim() === '') return
  chain = chain.then(() => handle(line)).then((response) => {
    process.stdout.write(JSON.stringify(response) + '\n')
  })
})
rl.on('close', () => { chain.then(() => process.exit(0)) })
