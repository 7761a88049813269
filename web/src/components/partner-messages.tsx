import { getPartnerMessages, markPartnerMessagesRead, sendPartnerMessage } from '../api/endpoints';
import { MessageThread } from './message-thread';

/** The Messages tab of a partner (staff side: its partner manager, or an admin). */
export function PartnerMessages({ partnerId }: { partnerId: string }) {
  return (
    <MessageThread
      queryKey={['partner-messages', partnerId]}
      load={() => getPartnerMessages(partnerId)}
      send={(body) => sendPartnerMessage(partnerId, body)}
      markRead={() => markPartnerMessagesRead(partnerId)}
      otherSide="the partner"
      emptyText="Write to the partner: they see it in the portal's Messages page and are notified."
    />
  );
}
