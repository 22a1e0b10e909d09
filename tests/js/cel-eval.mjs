// cel-eval.mjs: a long-lived CEL evaluator for the CRD x-kubernetes-validations rules, driven by the .NET tests
// (tests/Daalu.CrdValidation/CelEvaluator.cs). Stands in for the CEL engine inside the Kubernetes API server:
// it evaluates the same rule text with the real cel-js implementation of the CEL spec.
//
// Protocol: JSON lines over stdin/stdout, one request per line, one response per line, in order.
//   request:  {"id": 1, "rule": "self.a > 0", "self": <json>, "oldSelf": <json>, "hasOldSelf": true}
//   response: {"id": 1, "result": true}  or  {"id": 1, "error": "message"}
// Integers: the caller marks values whose schema type is integer as {"$int": "123"}; they become CEL int
// (BigInt) so int/double typing matches the API server. Every other JSON number is a CEL double.
import { parse } from '@marcbachmann/cel-js'
import { createInterface } from 'node:readline'

const compiled = new Map()

function compile (rule) {
  let program = compiled.get(rule)
  if (!program) {
    program = parse(rule)
    compiled.set(rule, program)
  }
  return program
}

function revive (value) {
  if (Array.isArray(value)) return value.map(revive)
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
    if (keys.length === 1 && keys[0] === '$int' && typeof value.$int === 'string') return BigInt(value.$int)
    const out = {}
    for (const k of keys) out[k] = revive(value[k])
    return out
  }
  return value
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity })
rl.on('line', (line) => {
  if (line.trim() === '') return
  let id = null
  let response
  try {
    const req = JSON.parse(line)
    id = req.id ?? null
    const vars = { self: revive(req.self) }
    if (req.hasOldSelf) vars.oldSelf = revive(req.oldSelf)
    const result = compile(req.rule)(vars)
    response = typeof result === 'boolean'
      ? { id, result }
      : { id, error: `rule did not evaluate to a bool: ${typeof result}` }
  } catch (e) {
    response = { id, error: String(e && e.message ? e.message : e) }
  }
  process.stdout.write(JSON.stringify(response) + '\n')
})
rl.on('close', () => process.exit(0))
