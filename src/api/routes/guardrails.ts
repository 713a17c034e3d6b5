// Responsible gambling: a user's self-exclusion and marketing opt-out, set one by one or in bulk, and read
// with the audit history of every change.
import { Type } from 'typebox'
import type { GuardrailService } from '../../catalog/guardrails.ts'
import { ValidationError } from '../../domain/errors.ts'
import { ErrorBody, GuardrailsBulkRequest, Guardrails, GuardrailsInput, GuardrailsWithHistory, BulkResponse } from '../../domain/schemas.ts'
import { normaliseGuardrailChange, parseGuardrailEntry } from '../../domain/validation.ts'
import type { BaseApp } from '../../http/base-app.ts'
import { domainErrorAnswer } from '../../http/errors.ts'
import { presentGuardrails, presentGuardrailsWithHistory } from '../present.ts'
import { decimalIdParams, IdParam } from '../../http/params.ts'

const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorBody]))
const TAGS = ['responsible gambling']

export function guardrailRoutes (app: BaseApp, guardrails: GuardrailService): void {
  app.put('/users/:user_id/responsible-gambling', {
    preValidation: decimalIdParams,
    schema: {
      tags: TAGS,
      summary: "Change a user's self-exclusion or marketing opt-out; answers the current state",
      params: IdParam('user_id'),
      body: GuardrailsInput,
      response: { 200: Guardrails, ...errors(400, 404, 413, 422) }
    }
  }, async (request) => presentGuardrails(await guardrails.change(normaliseGuardrailChange(request.body, request.params.user_id), 'api')))

  app.get('/users/:user_id/responsible-gambling', {
    preValidation: decimalIdParams,
    schema: {
      tags: TAGS,
      summary: "A user's responsible-gambling state and the history of every change",
      params: IdParam('user_id'),
      response: { 200: GuardrailsWithHistory, ...errors(404, 422) }
    }
  }, async (request) => presentGuardrailsWithHistory(await guardrails.read(request.params.user_id)))

  app.post('/responsible-gambling/bulk', {
    bodyLimit: 4 * 1024 * 1024,
    schema: {
      tags: TAGS,
      summary: "Apply many users' changes in one transaction, in order; one result per change",
      querystring: Type.Object({
        source: Type.Optional(Type.Union([Type.Literal('bulk'), Type.Literal('gateway')], {
          description: "The history's source for these changes: bulk (an operator's sync, the default) or gateway (the consumers deliver what came through Kafka)."
        }))
      }),
      body: GuardrailsBulkRequest,
      response: { 200: BulkResponse, ...errors(400, 413, 422) }
    }
  }, async (request) => {
    const changes = request.body.map((entry) => {
      try {
        return parseGuardrailEntry(entry)
      } catch (error) {
        if (error instanceof ValidationError) return error
        throw error
      }
    })
    const outcomes = await guardrails.changeMany(changes, request.query.source ?? 'bulk')
    return {
      results: outcomes.map((outcome) => {
        if (outcome.ok) return { status: 200, body: presentGuardrails(outcome.guardrails) }
        const answer = domainErrorAnswer(outcome.error)
        if (answer === undefined) throw outcome.error
        return { status: answer.status, body: answer.body }
      })
    }
  })
}
