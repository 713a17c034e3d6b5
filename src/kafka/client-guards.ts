// A guard around one defect of the Kafka client (@platformatic/kafka 1.35). Right after a broker restart,
// a metadata answer can list no brokers yet; a group, fetch or produce request then asks the connection
// pool for the connection of `undefined`, which throws a TypeError inside a socket callback: an uncaught
// exception that ends the process (both consumers of the fault-injection run died of it after the broker
// was frozen and stopped). Answering that request with a retriable NetworkError instead lets the client's
// retries, and the services' reconnect loops, treat it like any other moment without a broker.
import { ConnectionPool, NetworkError, type Broker, type CallbackWithPromise, type Connection } from '@platformatic/kafka'

let installed = false

export function guardKafkaClient (): void {
  if (installed) return
  installed = true
  const get = ConnectionPool.prototype.get as (this: ConnectionPool, broker: Broker, callback?: CallbackWithPromise<Connection>) => Promise<Connection> | undefined
  ConnectionPool.prototype.get = function (this: ConnectionPool, broker: Broker | undefined, callback?: CallbackWithPromise<Connection>) {
    if (broker === undefined || broker === null) {
      const error = new NetworkError('No address is known yet for the broker this request needs (metadata without it).')
      if (callback === undefined) return Promise.reject(error)
      callback(error, undefined as never)
      return undefined
    }
    return get.call(this, broker, callback)
  } as typeof ConnectionPool.prototype.get
}
