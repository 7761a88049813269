import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** The frame of the signed-out pages: product name, one card. */
export function AuthLayout({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Center mih="100vh" p="md" component="main" id="main">
      <Stack w="100%" maw={420} gap="lg">
        <Text ta="center" fw={800} size="xl" c="indigo.8" aria-hidden>
          Consort
        </Text>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <Title order={1} size="h3" mb={subtitle ? 4 : 'md'}>
            {title}
          </Title>
          {subtitle && (
            <Text size="sm" c="dimmed" mb="md">
              {subtitle}
            </Text>
          )}
          {children}
        </Paper>
      </Stack>
    </Center>
  );
}
