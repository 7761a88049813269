import { Button, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router-dom';
import { homeOf } from '../access';
import { useSession } from '../session';

function Message({ title, text }: { title: string; text: string }) {
  const role = useSession().user.role;
  return (
    <Stack align="flex-start" maw={560} py="xl">
      <Title order={1} size="h2">
        {title}
      </Title>
      <Text c="dimmed">{text}</Text>
      <Button component={Link} to={homeOf(role)} variant="light">
        Go to your home page
      </Button>
    </Stack>
  );
}

export function ForbiddenPage() {
  return (
    <Message
      title="Not available to your role"
      text="Your login role does not give access to this page. Ask an administrator if you need it."
    />
  );
}

export function NotFoundPage() {
  return <Message title="Page not found" text="There is no page at this address." />;
}
