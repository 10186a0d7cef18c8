import { expect, it } from 'vitest'
import { collectorEnv, threadPoolShortfall } from './threadpool-env.js'

it('starts the collector with sixteen threads unless told otherwise', () => {
  expect(collectorEnv({}).UV_THREADPOOL_SIZE).toBe('16')
  expect(collectorEnv({ UV_THREADPOOL_SIZE: '32' }).UV_THREADPOOL_SIZE).toBe('32')
})

it('says when the thread pool is too small for the read sessions', () => {
  expect(threadPoolShortfall({}, 3)).toMatch(/unset \(4\)/)
  expect(threadPoolShortfall({ UV_THREADPOOL_SIZE: '16' }, 3)).toBeUndefined()
  expect(threadPoolShortfall({ UV_THREADPOOL_SIZE: '16' }, 16)).toMatch(/UV_THREADPOOL_SIZE=20/)
})
