/** The graph of `fixtures/cartography-docker-scout/expected.md`, written out by hand from that file. */

/** The benefits of the `25-alpine` refresh in Cartography's ECR report. */
export const ECR_BENEFITS_REFRESH = [
  'Same OS detected',
  'Minor runtime version update',
  'Newer image for same tag',
  'Image contains 9 fewer packages',
  'Tag was pushed more recently',
  'Image has similar size',
  'Image introduces no new vulnerability but removes 2'
]

/** The "Also known as" tags of the `slim` record in Cartography's ECR and GitLab reports. */
export const SLIM_ALIASES = [
  '25.8.1-slim',
  '25.8-slim',
  'current-slim',
  '25-slim',
  'bookworm-slim',
  '25-bookworm-slim',
  '25.8-bookworm-slim',
  '25.8.1-bookworm-slim',
  'current-bookworm-slim'
]

export const TAG = 123456789

const publicImage = { label: 'DockerScoutPublicImage', id: 'node:25-alpine' }
const tagRef = (tag: string) => ({ label: 'DockerScoutPublicImageTag', id: `node:${tag}` })
const SUPPORTED = ['25-alpine3.23', 'alpine', 'alpine3.23', 'current-alpine', 'current-alpine3.23']

/** `../fixtures/cartography-docker-scout/expected.md`, scenario 1, written out. */
export const EXPECTED_SCENARIO_1 = {
  schema: 'cartography:docker_scout',
  mode: 'cartography',
  updateTag: TAG,
  nodes: [
    {
      ...publicImage,
      properties: {
        name: 'node',
        tag: '25-alpine',
        alternative_tags: SUPPORTED,
        version: '22',
        digest: 'sha256:e75468deb6a0d82fc49a7c566d016862dbdb9bd90e7ef31aee95c547c8e591ef'
      }
    },
    {
      ...tagRef('25-alpine'),
      properties: {
        name: 'node',
        tag: '25-alpine',
        alternative_tags: [...SUPPORTED, '25.8.1-alpine', '25.8.1-alpine3.23', '25.8-alpine', '25.8-alpine3.23'],
        size: '59 MB',
        flavor: 'alpine',
        os: 'alpine',
        runtime: '22',
        is_slim: false
      }
    },
    {
      ...tagRef('current-alpine'),
      properties: { name: 'node', tag: 'current-alpine', size: '60 MB', flavor: 'alpine', os: 'alpine', runtime: '22', is_slim: false }
    },
    {
      ...tagRef('current-alpine3.23'),
      properties: {
        name: 'node',
        tag: 'current-alpine3.23',
        alternative_tags: ['alpine3.23'],
        size: '60 MB',
        flavor: 'alpine',
        os: 'alpine',
        runtime: '22',
        is_slim: false
      }
    },
    {
      ...tagRef('slim'),
      properties: {
        name: 'node',
        tag: 'slim',
        alternative_tags: SLIM_ALIASES,
        size: '79 MB',
        runtime: '22',
        is_slim: true
      }
    }
  ],
  relationships: [
    { type: 'BUILT_FROM', from: publicImage, to: tagRef('25-alpine'), properties: {} },
    {
      type: 'SHOULD_UPDATE_TO',
      from: publicImage,
      to: tagRef('25-alpine'),
      properties: {
        benefits: ECR_BENEFITS_REFRESH,
        fix_high: 2
      }
    },
    {
      type: 'SHOULD_UPDATE_TO',
      from: publicImage,
      to: tagRef('current-alpine'),
      properties: {
        benefits: [
          'Same OS detected',
          'Image contains 10 fewer packages',
          'Tag was pushed more recently',
          'Image has similar size',
          'Image introduces no new vulnerability but removes 2',
          'current-alpine was pulled 21K times last month'
        ],
        fix_high: 2
      }
    },
    {
      type: 'SHOULD_UPDATE_TO',
      from: publicImage,
      to: tagRef('current-alpine3.23'),
      properties: {
        benefits: [
          'Same OS detected',
          'Image contains 9 fewer packages',
          'Tag was pushed more recently',
          'Image has similar size',
          'Image introduces no new vulnerability but removes 2'
        ],
        fix_high: 2
      }
    },
    {
      type: 'SHOULD_UPDATE_TO',
      from: publicImage,
      to: tagRef('slim'),
      properties: {
        benefits: [
          'Tag is preferred tag',
          'Tag was pushed more recently',
          'Tag is using slim variant',
          'slim was pulled 17K times last month'
        ],
        fix_high: 2,
        fix_medium: 1
      }
    }
  ],
  imageLinks: [
    {
      type: 'BUILT_ON',
      digestPrefix: 'ecr000000000000',
      to: publicImage,
      properties: { _sub_resource_label: 'DockerScout', _sub_resource_id: 'global' }
    },
    {
      type: 'BUILT_ON',
      digestPrefix: 'gl00000000000000',
      to: publicImage,
      properties: { _sub_resource_label: 'DockerScout', _sub_resource_id: 'global' }
    }
  ],
  reports: [
    { source: 'ecr-recommendation-report.txt', status: 'parsed' },
    { source: 'gitlab-recommendation-report.txt', status: 'parsed' }
  ]
}
