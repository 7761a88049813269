import { getPortalMessages, markPortalMessagesRead, sendPortalMessage } from '../../api/endpoints';
import { MessageThread } from '../../components/message-thread';
import { PageHeader } from '../../components/states';

export function PortalMessagesPage() {
  return (
    <>
      <PageHeader title="Messages" description="Your conversation with your partner manager." />
      <MessageThread
        queryKey={['portal-messages']}
        load={getPortalMessages}
        send={sendPortalMessage}
        markRead={markPortalMessagesRead}
        otherSide="your partner manager"
        emptyText="Ask your partner manager anything: deals, creatives, payouts."
      />
    </>
  );
}
