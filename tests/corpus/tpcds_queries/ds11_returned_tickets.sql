-- Store sales later returned: the sale's ticket in the returns (IN subquery).
select count(*) as returned_lines, sum(ss_sales_price) as value
from store_sales
where ss_ticket_number in (select sr_ticket_number from store_returns where sr_return_quantity > 0)
  and ss_quantity > 0;
